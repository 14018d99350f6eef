import Core
import Fluent
import SQLKit
import Vapor

/// Committees: the territory's list, creating one, its public record, its management page and
/// the seats of its members.
enum CommitteePages {
    static let staff = Access.territory(CommitteesPolicy.run)
    static let members = Access.territory(CommitteesPolicy.takePart)

    static func register(_ router: RouteRegistrar) {
        router.get(CommitteesPaths.list, access: .everyone, use: list)
        router.get(CommitteesPaths.new, access: staff) { req in
            req.render(
                try formPage(
                    visit: req.visit,
                    fields: ["quorum": "50", "rule": DecisionRule.majority.rawValue, "min_share": "20"],
                    lists: [:], errors: FormErrors()))
        }
        router.post(CommitteesPaths.new, access: staff, scoped: create)
        router.get(CommitteesPaths.show, access: .everyone, use: show)
        router.get(CommitteesPaths.manage, access: staff) { req in
            let committee = try await CommitteeContext.committee(req)
            return req.render(try await managePage(req, committee: committee, fields: [:], errors: FormErrors()))
        }
        router.post(CommitteesPaths.members, access: staff, scoped: addMember)
        router.post(CommitteesPaths.endMandate, access: staff, scoped: endMandate)
        router.get(CommitteesPaths.space, access: members, use: space)
    }

    // MARK: - List and creation

    @Sendable static func list(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let rows = try await CommitteeStore.list(
            territoryID: territory.id, today: Day.today(req.now), now: req.now, on: req.db)
        let items = rows.map { row -> HTML in
            """
            <li class="card"><h2><a href="\(CommitteesPaths.show.link(territory.slug, row.id))">\(row.name)</a></h2>\
            <p>\(String(row.purpose.prefix(240)))\(row.purpose.count > 240 ? "…" : "")</p>\
            <p class="meta">\(visit.t("\(row.seats) membres", "\(row.seats) members"))\
            \(row.next_meeting.map { " · " + visit.t("prochaine séance le ", "next meeting on ") + DateText.day($0, lang: visit.lang) } ?? "")</p></li>
            """
        }
        let canRun = CommitteesPolicy.allows(visit.committeeActor, .run, on: .committee)
        let main: HTML = """
            <h1>\(visit.t("Instances de concertation", "Consultative committees")) · \(territory.name)</h1>
            <p class="lead">\(visit.t("Usagers, professionnels de santé et décideurs discutent ensemble des questions de santé du territoire et construisent des stratégies d'action. Leurs séances, comptes rendus et décisions sont publics.",
                                  "Users, health professionals and decision makers discuss the territory's health issues together and build action strategies. Their meetings, minutes and decisions are public."))</p>
            \(canRun ? "<p><a class=\"button\" href=\"\(CommitteesPaths.new.link(territory.slug))\">\(visit.t("Créer une instance", "Create a committee"))</a></p>" as HTML : .empty)
            \(items.isEmpty ? "<p>\(visit.t("Aucune instance pour l'instant.", "No committee yet."))</p>" as HTML : "<ul class=\"cards\">\(each: items)</ul>")
            """
        return req.render(
            WebPage(
                title: visit.t("Instances de concertation", "Consultative committees") + " · " + territory.name,
                main: main))
    }

    static func formPage(
        visit: Visit, fields: [String: String], lists: [String: [String]], errors: FormErrors, status: HTTPStatus = .ok
    ) throws -> WebPage {
        let territory = try visit.territoryHere()
        let main: HTML = """
            <h1>\(visit.t("Créer une instance de concertation", "Create a consultative committee"))</h1>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: CommitteesPaths.new.link(territory.slug), visit: visit))
            \(Form.input(name: "name", label: visit.t("Nom", "Name"), value: fields["name"], errors: errors, visit: visit,
                     hint: visit.t("Par exemple : Comité local de santé du pays de Vitré.", "For example: Vitré local health committee."), required: true, maxLength: 120))
            \(Form.textarea(name: "purpose", label: visit.t("À quoi sert-elle ?", "What is it for?"), value: fields["purpose"], errors: errors, visit: visit,
                        required: true, rows: 4, maxLength: 3000))
            \(Form.checkboxes(name: "themes", legend: visit.t("Thèmes", "Themes"), options: territory.themes.options(keeping: lists["themes"] ?? [], visit: visit),
                          selected: Set(lists["themes"] ?? []), errors: errors, visit: visit))
            \(Form.checkboxes(name: "communes", legend: visit.t("Communes couvertes", "Municipalities covered"),
                          options: territory.communes.map { Form.Option($0.code, $0.name) }, selected: Set(lists["communes"] ?? []), errors: errors, visit: visit,
                          hint: visit.t("Aucune cochée : tout le territoire.", "None ticked: the whole territory.")))
            <fieldset><legend>\(visit.t("Règles", "Rules"))</legend>
            \(Form.input(name: "quorum", label: visit.t("Quorum (en % des membres votants)", "Quorum (% of voting members)"), value: fields["quorum"], errors: errors, visit: visit,
                     type: "number", required: true, inputmode: "numeric"))
            \(Form.select(name: "rule", label: visit.t("Règle de décision en cas de vote", "Decision rule for a vote"),
                      options: DecisionRule.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) }, selected: fields["rule"], errors: errors, visit: visit, required: true))
            \(Form.checkbox(name: "vote_without_quorum", label: "\(visit.t("Un vote peut avoir lieu sans quorum (il est alors signalé)", "A vote may take place without quorum (it is then marked)"))",
                        checked: fields["vote_without_quorum"] == "oui", errors: errors, visit: visit, value: "oui"))
            \(Form.input(name: "min_share", label: visit.t("Part minimale de chaque collège (en %)", "Minimum share of each college (%)"), value: fields["min_share"], errors: errors, visit: visit,
                     type: "number", hint: visit.t("La page signale un collège en dessous de cette part.", "The page warns when a college is below this share."), required: true, inputmode: "numeric"))
            </fieldset>
            \(Form.submit(visit.t("Créer l'instance", "Create the committee")))
            </form>
            """
        return WebPage(
            title: visit.t("Créer une instance de concertation", "Create a consultative committee"), main: main,
            status: status, hasErrors: !errors.isEmpty)
    }

    @Sendable static func create(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let visit = scope.visit
        let territory = scope.territory
        let fields = req.formFields()
        let lists = req.formLists(["themes", "communes"])
        let input: CommitteeInput
        switch CommitteeInput.validate(
            fields: fields, multi: lists, allowedCommunes: Set(territory.communes.map(\.code)),
            themes: territory.themes, lang: visit.lang)
        {
        case .failure(let box):
            return req.render(
                try formPage(
                    visit: visit, fields: fields, lists: lists, errors: box.errors, status: .unprocessableEntity))
        case .success(let value): input = value
        }
        let outcome = try await CreateCommittee.run(
            input, territory: territory, actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .created(let committeeID):
            return req.redirect(
                to: CommitteesPaths.manage.link(territory.slug, committeeID),
                flash: Flash(
                    .success,
                    visit.t(
                        "Instance créée. Ajoutez ses membres, ouvrez un appel à candidatures ou planifiez une séance.",
                        "Committee created. Add its members, open a call for candidates or plan a meeting.")))
        case .forbidden: throw Abort(.forbidden)
        }
    }

    // MARK: - The public record

    static func balanceBlock(_ committee: Committee, seats: [Seat], visit: Visit, today: String) -> HTML {
        let voting = seats.filter { $0.votes && $0.active(today: today) }
        let balance = CollegeBalance(
            colleges: voting.map(\.collegeValue), minimumSharePercent: committee.minimumSharePercent)
        let rows = College.allCases.map { college -> [HTML] in
            ["\(visit.t(college.short))", "\(balance.counts[college] ?? 0)", "\(balance.sharePercent(college)) %"]
        }
        var warnings: [HTML] = balance.below.map { college in
            "<li>\(visit.t("Le \(college.label.fr.lowercased()) est sous la part minimale de \(committee.minimumSharePercent) %.", "The \(college.label.en.lowercased()) is below the minimum share of \(committee.minimumSharePercent) %."))</li>"
        }
        let ending = seats.filter { $0.active(today: today) && Mandate.endsSoon(end: $0.mandate_end, today: today) }
        if !ending.isEmpty {
            warnings.append(
                "<li>\(visit.t(ending.count > 1 ? "\(ending.count) mandats se terminent dans les deux mois : pensez à un appel à candidatures." : "Un mandat se termine dans les deux mois : pensez à un appel à candidatures.", ending.count > 1 ? "\(ending.count) mandates end within two months: think of a call for candidates." : "One mandate ends within two months: think of a call for candidates."))</li>"
            )
        }
        return """
            \(View.table(caption: visit.t("Équilibre entre les collèges (membres votants)", "Balance between colleges (voting members)"),
                     headers: [visit.t("Collège", "College"), visit.t("Membres", "Members"), visit.t("Part", "Share")], rows: rows, numericColumns: [1, 2]))
            \(warnings.isEmpty ? HTML.empty : "<div class=\"flash flash-error\" role=\"note\"><ul>\(each: warnings)</ul></div>")
            """
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        let committee = try await CommitteeContext.committee(req)
        let model = try await load(committee: committee, now: req.now, on: req.db)
        return req.render(try view(model, visit: req.visit))
    }

    /// A committee's public record, from its model: purpose and rules, the members by college
    /// and the balance between colleges, open calls, meetings, adopted strategies, decisions.
    /// Pure: the model and the visit are all it reads.
    static func view(_ model: CommitteePageModel, visit: Visit) throws -> WebPage {
        let territory = try visit.territoryHere()
        let committee = model.committee
        let id = try committee.requireID()
        let viewerSeat = CommitteeContext.viewerSeat(visit, in: model.seats, today: model.today)
        let runs = CommitteesPolicy.allows(visit.committeeActor, .run, on: .committee)
        let strategies = try strategyItems(model, visit: visit)
        let meetings = try meetingItems(model, visit: visit)
        let calls = try openCallItems(model, visit: visit)
        let themes = visit.themes.from(mask: committee.themesMask).map { visit.t($0.label) }
        let communes = committee.communeCodes.compactMap { territory.commune(code: $0)?.name }
        let main: HTML = """
            <p><a href="\(CommitteesPaths.list.link(territory.slug))">\(visit.t("← Toutes les instances", "← All committees"))</a></p>
            <h1>\(committee.name)</h1>
            <div class="proposal-body">\(View.paragraphs(committee.purpose))</div>
            <p class="meta">\(themes.isEmpty ? "" : visit.t("Thèmes : ", "Themes: ") + themes.joined(separator: ", ") + " · ")\
            \(visit.t("Communes : ", "Municipalities: "))\(communes.isEmpty ? visit.t("tout le territoire", "the whole territory") : communes.joined(separator: ", "))</p>
            \(runs || viewerSeat != nil ? "<p class=\"actions\">\(runs ? "<a class=\"button\" href=\"\(CommitteesPaths.manage.link(territory.slug, id))\">\(visit.t("Gérer l'instance", "Manage the committee"))</a> " as HTML : .empty)<a href=\"\(CommitteesPaths.space.link(territory.slug, id))\">\(visit.t("Espace des membres", "Members' area"))</a></p>" as HTML : .empty)
            <h2>\(visit.t("Règles", "Rules"))</h2>
            <ul>
            <li>\(visit.t("Quorum : \(committee.quorumPercent) % des membres votants, présents ou représentés.", "Quorum: \(committee.quorumPercent) % of voting members, present or represented."))</li>
            <li>\(visit.t("Décisions : par consensus, ou par vote ", "Decisions: by consensus, or by vote "))\(visit.t(committee.rule.label).lowercased()).</li>
            <li>\(committee.voteWithoutQuorum ? visit.t("Un vote peut avoir lieu sans quorum ; il est alors signalé.", "A vote may take place without quorum; it is then marked.")
                                          : visit.t("Aucun vote sans quorum.", "No vote without quorum."))</li>
            </ul>
            <h2>\(visit.t("Membres", "Members"))</h2>
            \(balanceBlock(committee, seats: model.seats, visit: visit, today: model.today))
            \(each: memberSections(model, visit: visit))
            \(calls.isEmpty ? HTML.empty : "<h2>\(visit.t("Appels à candidatures ouverts", "Open calls for candidates"))</h2><ul>\(each: calls)</ul>")
            <h2>\(visit.t("Séances", "Meetings"))</h2>
            \(meetings.isEmpty ? "<p>\(visit.t("Aucune séance pour l'instant.", "No meeting yet."))</p>" as HTML : "<ul>\(each: meetings)</ul>")
            <h2>\(visit.t("Stratégies adoptées", "Adopted strategies"))</h2>
            \(strategies.isEmpty ? "<p>\(visit.t("Aucune stratégie adoptée pour l'instant.", "No strategy adopted yet."))</p>" as HTML : "<ul>\(each: strategies)</ul>")
            <h2>\(visit.t("Décisions", "Decisions"))</h2>
            \(try decisionsTable(model, visit: visit))
            """
        return WebPage(title: committee.name, main: main)
    }

    /// The members in office, college by college: public name, function (or whom they stand in for), mandate.
    static func memberSections(_ model: CommitteePageModel, visit: Visit) -> [HTML] {
        let active = model.seats.filter { $0.active(today: model.today) }
        let byID = Dictionary(uniqueKeysWithValues: model.seats.map { ($0.id, $0) })
        return College.allCases.map { college -> HTML in
            let rows = active.filter { $0.collegeValue == college }.map { seat -> [HTML] in
                let role =
                    seat.substitute_of_id.flatMap { byID[$0] }.map {
                        visit.t("Suppléant·e de ", "Substitute for ") + $0.publicName(visit)
                    } ?? visit.t(seat.functionValue.label)
                return [
                    "\(seat.publicName(visit))", "\(role)",
                    "\(DateText.day(iso: seat.mandate_start, lang: visit.lang)) – \(DateText.day(iso: seat.mandate_end, lang: visit.lang))",
                ]
            }
            return """
                <h3>\(visit.t(college.label))</h3>
                \(rows.isEmpty ? "<p>\(visit.t("Aucun membre.", "No member."))</p>" as HTML
                : View.table(caption: visit.t(college.label), headers: [visit.t("Nom", "Name"), visit.t("Fonction", "Function"), visit.t("Mandat", "Mandate")], rows: rows))
                """
        }
    }

    /// The meetings, each with where its minutes stand (upcoming, awaiting approval, approved).
    static func meetingItems(_ model: CommitteePageModel, visit: Visit) throws -> [HTML] {
        let territory = try visit.territoryHere()
        let id = try model.committee.requireID()
        return try model.meetings.map { meeting -> HTML in
            let upcoming = meeting.startsAt > model.now
            let minutes: String =
                meeting.minutesApprovedAt != nil
                ? visit.t("compte rendu approuvé", "approved minutes")
                : upcoming
                    ? visit.t("à venir", "upcoming")
                    : visit.t("compte rendu en attente d'approbation", "minutes awaiting approval")
            return
                "<li><a href=\"\(CommitteesPaths.meeting.link(territory.slug, id, try meeting.requireID()))\">\(DateText.day(meeting.startsAt, lang: visit.lang)), \(ClockTime.text(meeting.startsAt))</a> · \(minutes)</li>"
        }
    }

    /// The calls still taking applications, with their closing day.
    static func openCallItems(_ model: CommitteePageModel, visit: Visit) throws -> [HTML] {
        let territory = try visit.territoryHere()
        let id = try model.committee.requireID()
        let today = model.today
        return try model.calls.filter { $0.decidedAt == nil && $0.closesOn >= today }.map { call -> HTML in
            "<li><a href=\"\(CommitteesPaths.call.link(territory.slug, id, try call.requireID()))\">\(call.title)</a> · \(visit.t("jusqu'au ", "until "))\(DateText.day(iso: call.closesOn, lang: visit.lang))</li>"
        }
    }

    /// The adopted strategies, with their day of adoption.
    static func strategyItems(_ model: CommitteePageModel, visit: Visit) throws -> [HTML] {
        let territory = try visit.territoryHere()
        let id = try model.committee.requireID()
        return try model.strategies.map {
            "<li><a href=\"\(CommitteesPaths.strategy.link(territory.slug, id, try $0.requireID()))\">\($0.title)</a> · \(visit.t("adoptée le ", "adopted on "))\(DateText.day($0.adoptedAt!, lang: visit.lang))</li>"
                as HTML
        }
    }

    /// The committee's decisions: meeting, item, result (and whether without quorum), text.
    static func decisionsTable(_ model: CommitteePageModel, visit: Visit) throws -> HTML {
        guard !model.decisions.isEmpty else {
            return "<p>\(visit.t("Aucune décision pour l'instant.", "No decision yet."))</p>"
        }
        let territory = try visit.territoryHere()
        let id = try model.committee.requireID()
        let rows = model.decisions.map { d -> [HTML] in
            let result: String =
                DecisionMode(stored: d.decision_mode) == .consensus
                ? visit.t("Adoptée par consensus", "Adopted by consensus")
                : d.adopted
                    ? visit.t("Adoptée par vote", "Adopted by vote") : visit.t("Rejetée au vote", "Rejected by vote")
            return [
                "<a href=\"\(CommitteesPaths.meeting.link(territory.slug, id, d.meeting_id))\">\(DateText.day(d.starts_at, lang: visit.lang))</a>",
                "\(d.title)",
                "\(result)\(d.quorum_met == false ? " " + visit.t("(sans quorum)", "(without quorum)") : "")",
                "\(d.decision_text)",
            ]
        }
        return View.table(
            caption: visit.t("Décisions de l'instance", "Decisions of the committee"),
            headers: [
                visit.t("Séance", "Meeting"), visit.t("Point", "Item"), visit.t("Résultat", "Result"),
                visit.t("Texte adopté ou soumis", "Text adopted or put to the vote"),
            ], rows: rows)
    }

    // MARK: - Management

    static func managePage(
        _ req: Request, committee: Committee, fields: [String: String], errors: FormErrors, status: HTTPStatus = .ok
    ) async throws -> WebPage {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let id = try committee.requireID()
        let today = Day.today(req.now)
        let seats = try await CommitteeStore.seats(of: id, on: req.db)
        let active = seats.filter { $0.active(today: today) }
        let titulars = active.filter { $0.substitute_of_id == nil && $0.functionValue.votes }
        let endButtons = active.map { seat -> HTML in
            """
            <li>\(seat.display_name) · \(visit.t(seat.collegeValue.short)) · \(visit.t(seat.functionValue.label)) · \(visit.t("jusqu'au ", "until "))\(DateText.day(iso: seat.mandate_end, lang: visit.lang)) \
            \(Form.open(action: CommitteesPaths.endMandate.link(territory.slug, id, seat.id), visit: visit, cssClass: "inline-form"))\
            <button type="submit" class="link-button">\(visit.t("Mettre fin au mandat", "End the mandate"))<span class="visually-hidden"> : \(seat.display_name)</span></button></form></li>
            """
        }
        let nextYear = Day.adding(3 * 365, to: today) ?? today
        let main: HTML = """
            <p><a href="\(CommitteesPaths.show.link(territory.slug, id))">\(visit.t("← Page publique de l'instance", "← The committee's public page"))</a></p>
            <h1>\(visit.t("Gérer : ", "Manage: "))\(committee.name)</h1>
            \(Form.errorSummary(errors, visit: visit))
            \(balanceBlock(committee, seats: seats, visit: visit, today: today))
            <h2>\(visit.t("Membres en fonction", "Members in office"))</h2>
            \(endButtons.isEmpty ? "<p>\(visit.t("Aucun membre.", "No member."))</p>" as HTML : "<ul>\(each: endButtons)</ul>")
            <h2 id="ajouter-membre">\(visit.t("Ajouter un membre", "Add a member"))</h2>
            \(Form.open(action: CommitteesPaths.members.link(territory.slug, id), visit: visit))
            \(Form.input(name: "email", label: visit.t("Adresse e-mail de son compte", "E-mail address of their account"), value: fields["email"], errors: errors, visit: visit,
                     type: "email", hint: visit.t("La personne doit avoir un compte sur ce territoire.", "The person must have an account in this territory."), required: true, autocomplete: "off"))
            \(Form.select(name: "college", label: visit.t("Collège", "College"), options: College.allCases.map { Form.Option($0.rawValue, visit.t($0.short)) },
                      selected: fields["college"], errors: errors, visit: visit, required: true))
            \(Form.select(name: "function", label: visit.t("Fonction", "Function"), options: MemberFunction.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                      selected: fields["function"] ?? MemberFunction.member.rawValue, errors: errors, visit: visit, required: true))
            \(Form.select(name: "substitute_of", label: visit.t("Suppléant·e de (facultatif)", "Substitute for (optional)"),
                      options: [Form.Option("", visit.t("Titulaire (pas suppléant·e)", "Titular (not a substitute)"))] + titulars.map { Form.Option(String($0.id), $0.display_name) },
                      selected: fields["substitute_of"], errors: errors, visit: visit))
            \(Form.input(name: "mandate_start", label: visit.t("Début du mandat", "Start of the mandate"), value: fields["mandate_start"] ?? today, errors: errors, visit: visit, type: "date", required: true))
            \(Form.input(name: "mandate_end", label: visit.t("Fin du mandat", "End of the mandate"), value: fields["mandate_end"] ?? nextYear, errors: errors, visit: visit, type: "date", required: true))
            \(Form.checkbox(name: "named", label: "\(visit.t("Nom public (un membre usager peut préférer « membre usager »)", "Public name (a user member may prefer “user member”)"))",
                        checked: fields.isEmpty || fields["named"] == "oui", errors: errors, visit: visit, value: "oui"))
            \(Form.submit(visit.t("Ajouter le membre", "Add the member")))
            </form>
            \(try CallPages.newCallForm(visit: visit, committee: committee, fields: fields, errors: errors))
            \(try MeetingPages.newMeetingForm(visit: visit, committee: committee, fields: fields, errors: errors))
            """
        return WebPage(
            title: visit.t("Gérer : ", "Manage: ") + committee.name, main: main, status: status,
            hasErrors: !errors.isEmpty)
    }

    @Sendable static func addMember(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let committee = try await CommitteeContext.committee(req)
        let fields = req.formFields()
        let outcome = try await SeatMember.run(
            MemberInput.validate(fields: fields, lang: scope.visit.lang), committee: committee,
            territory: scope.territory, actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .seated:
            return req.redirect(
                to: CommitteesPaths.manage.link(scope.territory.slug, try committee.requireID()),
                flash: Flash(.success, scope.visit.t("Membre ajouté.", "Member added.")))
        case .invalid(let errors):
            return req.render(
                try await managePage(
                    req, committee: committee, fields: fields, errors: errors, status: .unprocessableEntity))
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }

    @Sendable static func endMandate(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let committee = try await CommitteeContext.committee(req)
        guard let memberID = PathID.parse(req.parameters.get("member")) else { throw Abort(.notFound) }
        let outcome = try await EndMandate.run(
            memberID: memberID, committee: committee, territory: scope.territory, actor: Actor(scope),
            env: req.useCases)
        switch outcome {
        case .ended:
            return req.redirect(
                to: CommitteesPaths.manage.link(scope.territory.slug, try committee.requireID()),
                flash: Flash(.success, scope.visit.t("Mandat terminé.", "Mandate ended.")))
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }

    // MARK: - Members' area

    @Sendable static func space(_ req: Request) async throws -> Response {
        let committee = try await CommitteeContext.committee(req)
        return req.render(try await spacePage(req, committee: committee, fields: [:], errors: FormErrors()))
    }

    static func spacePage(
        _ req: Request, committee: Committee, fields: [String: String], errors: FormErrors, status: HTTPStatus = .ok
    ) async throws -> WebPage {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let id = try committee.requireID()
        let seats = try await CommitteeStore.seats(of: id, on: req.db)
        let holdsSeat = CommitteeContext.viewerSeat(visit, in: seats, today: Day.today(req.now)) != nil
        guard CommitteesPolicy.allows(visit.committeeActor, .readMembersArea, on: .seats(holdsSeat: holdsSeat)) else {
            throw Abort(
                .forbidden,
                reason: visit.t(
                    "L'espace des membres est réservé aux membres de l'instance.",
                    "The members' area is for the committee's members."))
        }
        let minutesDrafts = try await MeetingStore.unapprovedMinutes(committeeID: id, on: req.db)
        let upcoming = try await MeetingStore.upcoming(committeeID: id, from: req.now, on: req.db)
        func link(_ meeting: Meeting) throws -> HTML {
            "<li><a href=\"\(CommitteesPaths.meeting.link(territory.slug, id, try meeting.requireID()))\">\(DateText.day(meeting.startsAt, lang: visit.lang)), \(ClockTime.text(meeting.startsAt))</a></li>"
        }
        let contacts = seats.filter { $0.active(today: Day.today(req.now)) }.map {
            "<li>\($0.display_name) · \(visit.t($0.collegeValue.short))</li>" as HTML
        }
        let documents = try await DocumentStore.list(committeeID: id, on: req.db)
        let recent = try await MeetingStore.meetings(committeeID: id, limit: 20, on: req.db)
        let drafts = try await StrategyStore.drafts(committeeID: id, on: req.db)
            .map {
                "<li><a href=\"\(CommitteesPaths.strategy.link(territory.slug, id, try $0.requireID()))\">\($0.title)</a> · \(visit.t("version", "version")) \($0.version)</li>"
                    as HTML
            }
        let main: HTML = """
            <p><a href="\(CommitteesPaths.show.link(territory.slug, id))">\(visit.t("← Page publique de l'instance", "← The committee's public page"))</a></p>
            <h1>\(visit.t("Espace des membres", "Members' area")) · \(committee.name)</h1>
            <p>\(visit.t("Ici, les documents de travail : ils ne sont pas publics.", "Working documents are here: they are not public."))</p>
            <h2>\(visit.t("Prochaines séances", "Next meetings"))</h2>
            \(upcoming.isEmpty ? "<p>\(visit.t("Aucune séance prévue.", "No meeting planned."))</p>" as HTML : "<ul>\(each: try upcoming.map(link))</ul>")
            <h2>\(visit.t("Comptes rendus en projet", "Draft minutes"))</h2>
            \(minutesDrafts.isEmpty ? "<p>\(visit.t("Aucun compte rendu en attente d'approbation.", "No minutes awaiting approval."))</p>" as HTML : "<ul>\(each: try minutesDrafts.map(link))</ul>")
            <h2>\(visit.t("Documents de travail", "Working documents"))</h2>
            \(try DocumentPages.links(documents, visit: visit, committeeID: id))
            <h2>\(visit.t("Stratégies en projet", "Draft strategies"))</h2>
            \(drafts.isEmpty ? "<p>\(visit.t("Aucun projet de stratégie.", "No draft strategy."))</p>" as HTML : "<ul>\(each: drafts)</ul>")
            \(Form.errorSummary(errors, visit: visit))
            \(try StrategyPages.createForm(visit: visit, committee: committee, fields: fields, errors: errors))
            \(try DocumentPages.uploadForm(visit: visit, committee: committee, meetings: recent, fields: fields, errors: errors))
            <h2>\(visit.t("Les membres (noms complets)", "Members (full names)"))</h2>
            <ul>\(each: contacts)</ul>
            """
        return WebPage(
            title: visit.t("Espace des membres", "Members' area") + " · " + committee.name, main: main, status: status,
            hasErrors: !errors.isEmpty)
    }
}
