import Core
import Vapor

/// The list of territories (`/`) and a territory's home page (`/vitre`).
enum TerritoryPages {
    static func register(_ router: RouteRegistrar) {
        router.get(AccountsPaths.territories, access: .everyone) { req in
            req.render(list(visit: req.visit, territories: req.agora.territories.all))
        }
        router.get(AccountsPaths.territoryHome, access: .everyone) { req in
            let visit = req.visit
            let communes = req.agora.territories.fragment(
                "home-communes/\(visit.territory?.id ?? 0)/\(visit.lang.rawValue)"
            ) {
                communesSection(visit: visit)
            }
            return req.render(home(visit: visit, communes: communes))
        }
        router.post(
            AccountsPaths.join, access: .signedIn,
            member: { req, member in
                switch try await JoinTerritory.run(territory: member.territory, actor: Actor(member), env: req.useCases)
                {
                case .forbidden: throw Abort(.forbidden)
                case .joined, .alreadyMember:
                    return req.redirect(
                        to: AccountsPaths.territoryHome.link(member.slug),
                        flash: Flash(
                            .success,
                            member.t(
                                "Vous avez rejoint \(member.territory.name).", "You joined \(member.territory.name).")))
                }
            })
    }

    static func list(visit: Visit, territories: [TerritoryInfo]) -> WebPage {
        let cards = territories.map { territory -> HTML in
            """
            <li class="card"><h2><a href="\(AccountsPaths.territoryHome.link(territory.slug))">\(territory.name)</a></h2>\
            <p>\(View.number(territory.communes.count, lang: visit.lang)) \(visit.t("communes", "municipalities")) · \
            \(View.number(territory.population, lang: visit.lang)) \(visit.t("habitants", "inhabitants"))</p></li>
            """
        }
        let empty: HTML =
            territories.isEmpty
            ? "<p>\(visit.t("Aucun territoire n'est encore ouvert sur cette plateforme.", "No territory is open on this platform yet."))</p>"
            : .empty
        let main: HTML = """
            <h1>\(visit.t("Agora Santé : la santé de votre territoire, décidée ensemble", "Agora Santé: your territory's health, decided together"))</h1>
            <p class="lead">\(visit.t(
            "Habitants, professionnels de santé et élus construisent ensemble les actions de santé de leur territoire : instances de concertation, forums, propositions, enquêtes de besoins.",
            "Residents, health professionals and decision makers build their territory's health actions together: committees, forums, proposals, needs surveys."))</p>
            <h2>\(visit.t("Choisissez votre territoire", "Choose your territory"))</h2>
            <ul class="cards">\(each: cards)</ul>\(empty)
            """
        return WebPage(title: visit.t("Territoires", "Territories"), main: main)
    }

    /// The table of the territory's communes: the same for every visitor in a language.
    static func communesSection(visit: Visit) -> HTML {
        guard let territory = visit.territory else { return .empty }
        let rows = territory.communes.map { commune -> [HTML] in
            [
                "\(commune.name)", "\(commune.postalCodes.joined(separator: ", "))",
                "\(View.number(commune.population, lang: visit.lang))",
            ]
        }
        return """
            <section aria-labelledby="communes"><h2 id="communes">\(visit.t("Les communes du territoire", "The territory's municipalities"))</h2>
            <details><summary>\(visit.t("Voir les \(territory.communes.count) communes", "Show the \(territory.communes.count) municipalities"))</summary>
            \(View.table(caption: visit.t("Communes et population municipale 2023", "Municipalities and 2023 population"),
                     headers: [visit.t("Commune", "Municipality"), visit.t("Code postal", "Postcode"), visit.t("Habitants", "Inhabitants")],
                     rows: rows, numericColumns: [2]))
            </details></section>
            """
    }

    static func home(visit: Visit, communes: HTML) -> WebPage {
        guard let territory = visit.territory else { return WebPage(title: "", main: .empty) }
        let lang = visit.lang
        let participate: HTML
        if visit.viewer == nil {
            participate = """
                <p>\(visit.t("Créez un compte pour donner votre avis, proposer des idées et vous inscrire aux rencontres. Pas d'adresse e-mail ? Un·e patient·e partenaire peut vous inscrire.",
                         "Sign up to give your opinion, propose ideas and register for meetings. No e-mail address? A patient partner can register you."))</p>
                <p class="actions"><a class="button" href="\(AccountsPaths.signup.pattern)">\(visit.t("Créer un compte", "Sign up"))</a> \
                <a class="button secondary" href="\(AccountsPaths.login.pattern)">\(visit.t("Se connecter", "Log in"))</a></p>
                """
        } else if visit.rolesHere.isEmpty {
            participate = """
                <p>\(visit.t("Vous n'êtes pas encore membre de ce territoire.", "You are not a member of this territory yet."))</p>
                \(Form.button(action: AccountsPaths.join.link(territory.slug), label: visit.t("Rejoindre ce territoire", "Join this territory"), visit: visit))
                """
        } else {
            let roles = visit.rolesHere.sorted { $0.rawValue < $1.rawValue }.map { visit.t($0.label) }.joined(
                separator: ", ")
            var links: [HTML] = []
            let actor = Actor(
                personID: visit.viewer?.personID, name: visit.viewer?.displayName, email: visit.viewer?.email,
                roles: visit.rolesHere, lang: lang)
            if AccountsPolicy.allows(actor, .createAssistedProfile) {
                links.append(
                    "<li><a href=\"\(AccountsPaths.assistedList.link(territory.slug))\">\(visit.t("Profils accompagnés", "Assisted profiles"))</a></li>"
                )
            }
            if AccountsPolicy.allows(actor, .manageMembers) {
                links.append(
                    "<li><a href=\"\(AccountsPaths.members.link(territory.slug))\">\(visit.t("Membres et rôles", "Members and roles"))</a></li>"
                )
            }
            participate = """
                <p>\(visit.t("Vos rôles ici :", "Your roles here:")) <strong>\(roles)</strong></p>
                \(links.isEmpty ? HTML.empty : "<ul>\(each: links)</ul>")
                """
        }
        let main: HTML = """
            <h1>\(territory.name)</h1>
            <p class="lead">\(visit.t(
            "Sur ce territoire, habitants, professionnels de santé et décideurs se concertent pour améliorer la santé de tous, en particulier des personnes qu'on entend le moins.",
            "On this territory, residents, health professionals and decision makers work together to improve everyone's health, especially of those least heard."))</p>
            <ul class="figures">
            <li><strong>\(View.number(territory.communes.count, lang: lang))</strong> \(visit.t("communes", "municipalities"))</li>
            <li><strong>\(View.number(territory.population, lang: lang))</strong> \(visit.t("habitants (INSEE, population municipale 2023)", "inhabitants (INSEE, 2023 municipal population)"))</li>
            </ul>
            <section aria-labelledby="participer"><h2 id="participer">\(visit.t("Participer", "Take part"))</h2>\(participate)</section>
            \(communes)
            """
        return WebPage(title: territory.name, main: main)
    }
}
