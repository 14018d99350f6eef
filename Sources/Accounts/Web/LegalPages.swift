import Core
import Vapor

/// The accessibility statement, legal notice, privacy notice and terms of use.
enum LegalPages {
    static func register(_ router: RouteRegistrar) {
        router.get(AccountsPaths.accessibility, access: .everyone) { req in req.render(accessibility(req.visit)) }
        router.get(AccountsPaths.legal, access: .everyone) { req in req.render(legal(req.visit)) }
        router.get(AccountsPaths.privacy, access: .everyone) { req in req.render(privacy(req.visit)) }
        router.get(AccountsPaths.terms, access: .everyone) { req in req.render(terms(req.visit)) }
    }

    static func section(_ title: String, _ paragraphs: [String]) -> HTML {
        "<h2>\(title)</h2>\(each: paragraphs.map { p -> HTML in "<p>\(p)</p>" })"
    }

    static func accessibility(_ v: Visit) -> WebPage {
        let sections: [HTML] = [
            section(
                v.t("État de conformité", "Compliance status"),
                [
                    v.t(
                        "La plateforme est partiellement conforme au RGAA 4.1 : aucun audit complet n'a encore été réalisé par un organisme indépendant.",
                        "The platform is partially compliant with RGAA 4.1: no full audit has been made yet by an independent body."
                    ),
                    v.t(
                        "Chaque page est vérifiée automatiquement (axe-core, validateur HTML), à 320 pixels de large, au clavier et sans JavaScript, à chaque modification du code.",
                        "Every page is checked automatically (axe-core, HTML validator), at 320 pixels wide, by keyboard and without JavaScript, at every code change."
                    ),
                ]),
            section(
                v.t("Retour d'information et contact", "Feedback and contact"),
                [
                    v.t(
                        "Si vous ne pouvez pas accéder à un contenu ou à un service, contactez la coordination de votre territoire : elle vous proposera une autre solution (par téléphone, sur papier ou avec un·e patient·e partenaire).",
                        "If you cannot use a content or service, contact your territory's coordination team: they will offer another way (by phone, on paper or with a patient partner)."
                    )
                ]),
            section(
                v.t("Voies de recours", "Remedies"),
                [
                    v.t(
                        "Si vous n'obtenez pas de réponse, vous pouvez saisir le Défenseur des droits (defenseurdesdroits.fr, ou par courrier gratuit : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07).",
                        "If you get no answer, you can contact the Défenseur des droits (defenseurdesdroits.fr).")
                ]),
        ]
        let main: HTML = """
            <h1>\(v.t("Déclaration d'accessibilité", "Accessibility statement"))</h1>
            <p>\(v.t("Agora Santé s'engage à rendre sa plateforme accessible conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005, selon le référentiel général d'amélioration de l'accessibilité (RGAA 4.1).",
                 "Agora Santé is committed to making its platform accessible under article 47 of French law 2005-102, following the RGAA 4.1 standard (WCAG 2.1 AA)."))</p>
            \(each: sections)
            """
        return WebPage(title: v.t("Accessibilité", "Accessibility"), main: main)
    }

    static func legal(_ v: Visit) -> WebPage {
        let sections: [HTML] = [
            section(
                v.t("Éditeur", "Publisher"),
                [
                    v.t(
                        "Chaque territoire est édité par la structure qui l'anime (CPTS ou collectivité), nommée sur la page du territoire. La plateforme Agora Santé est un logiciel libre.",
                        "Each territory is published by the organisation that runs it (CPTS or local authority), named on the territory's page. Agora Santé is free software."
                    )
                ]),
            section(
                v.t("Hébergement", "Hosting"),
                [
                    v.t(
                        "La plateforme ne contient aucune donnée de santé nominative : elle ne relève pas de l'hébergement de données de santé (HDS).",
                        "The platform holds no named health data: it is out of the scope of certified health-data hosting (HDS)."
                    )
                ]),
            section(
                v.t("Données de référence", "Reference data"),
                [
                    v.t(
                        "Communes et populations : INSEE, Code officiel géographique 2026 et populations légales 2023 (Licence Ouverte). Professions : Agence du numérique en santé, nomenclatures TRE_G15 et TRE_R95.",
                        "Municipalities and populations: INSEE, 2026 geographic code and 2023 legal populations (Licence Ouverte). Professions: French digital health agency, TRE_G15 and TRE_R95."
                    )
                ]),
        ]
        let main: HTML = """
            <h1>\(v.t("Mentions légales", "Legal notice"))</h1>
            \(each: sections)
            """
        return WebPage(title: v.t("Mentions légales", "Legal notice"), main: main)
    }

    static func privacy(_ v: Visit) -> WebPage {
        let sections: [HTML] = [
            section(
                v.t("Ce que nous collectons", "What we collect"),
                [
                    v.t(
                        "Pour un compte : votre adresse e-mail, un nom ou pseudonyme, votre mot de passe (chiffré, jamais lisible), vos rôles sur un territoire et, si vous êtes professionnel·le, votre profession.",
                        "For an account: your e-mail address, a name or nickname, your password (hashed, never readable), your roles on a territory and, for professionals, your profession."
                    ),
                    v.t(
                        "Facultativement : votre commune et votre tranche d'âge. Elles ne servent qu'à des statistiques globales pour vérifier que tout le monde est entendu ; aucun chiffre portant sur moins de 5 personnes n'est publié.",
                        "Optionally: your municipality and age band. They are used only for aggregate statistics to check that everyone is heard; no figure about fewer than 5 people is published."
                    ),
                    v.t(
                        "Nous ne collectons aucune information sur votre santé. Les réponses aux enquêtes sont anonymes.",
                        "We collect no information about your health. Survey answers are anonymous."),
                ]),
            section(
                v.t("Profils accompagnés", "Assisted profiles"),
                [
                    v.t(
                        "Un·e patient·e partenaire ou la coordination peut créer un profil pour une personne sans e-mail, avec son accord oral : un prénom ou surnom, une commune, et un téléphone si elle le souhaite.",
                        "A patient partner or the coordination team can create a profile for someone without e-mail, with their oral agreement: a first name or nickname, a municipality, and a phone number if they wish."
                    )
                ]),
            section(
                v.t("Vos droits", "Your rights"),
                [
                    v.t(
                        "Depuis « Mon compte », vous pouvez télécharger toutes vos données et supprimer votre compte à tout moment. Vous pouvez aussi écrire à la coordination de votre territoire, et saisir la CNIL (cnil.fr).",
                        "From “My account”, you can download all your data and delete your account at any time. You can also write to your territory's coordination team, and complain to the CNIL (cnil.fr)."
                    )
                ]),
            section(
                v.t("Cookies", "Cookies"),
                [
                    v.t(
                        "Seulement des cookies nécessaires : votre session, la protection des formulaires, la langue choisie et un message d'information. Aucun cookie publicitaire ni de mesure d'audience.",
                        "Only necessary cookies: your session, form protection, your chosen language and a notice message. No advertising or analytics cookie."
                    )
                ]),
            section(
                v.t("Durées de conservation", "Retention"),
                [
                    v.t(
                        "Les sessions expirent après 14 jours. Les liens envoyés par e-mail expirent entre 20 minutes et 48 heures, et le contenu d'un e-mail est effacé une fois envoyé.",
                        "Sessions expire after 14 days. Links sent by e-mail expire after 20 minutes to 48 hours, and an e-mail's content is erased once sent."
                    )
                ]),
        ]
        let main: HTML = """
            <h1>\(v.t("Données personnelles", "Privacy notice"))</h1>
            <p>\(v.t("Version \(LegalDocument.privacy.currentVersion).", "Version \(LegalDocument.privacy.currentVersion)."))</p>
            \(each: sections)
            """
        return WebPage(title: v.t("Données personnelles", "Privacy notice"), main: main)
    }

    static func terms(_ v: Visit) -> WebPage {
        let sections: [HTML] = [
            section(
                v.t("À quoi sert la plateforme", "What the platform is for"),
                [
                    v.t(
                        "Agora Santé permet aux habitants, aux professionnels de santé et aux décideurs d'un territoire de se concerter sur la santé locale. Ce n'est pas un service médical : en cas d'urgence, appelez le 15 ou le 112.",
                        "Agora Santé lets a territory's residents, health professionals and decision makers work together on local health. It is not a medical service: in an emergency, call 15 or 112."
                    )
                ]),
            section(
                v.t("Règles de participation", "Rules of participation"),
                [
                    v.t(
                        "Restez courtois·e, ne publiez aucune information de santé sur vous ou sur une autre personne, ni aucun propos discriminatoire. La coordination peut masquer un contenu qui ne respecte pas ces règles, en expliquant pourquoi.",
                        "Be courteous; publish no health information about yourself or anyone else, and nothing discriminatory. The coordination team may hide content that breaks these rules, explaining why."
                    )
                ]),
            section(
                v.t("Votre compte", "Your account"),
                [
                    v.t(
                        "Gardez votre mot de passe pour vous. Vous pouvez supprimer votre compte à tout moment depuis « Mon compte ».",
                        "Keep your password to yourself. You can delete your account at any time from “My account”.")
                ]),
        ]
        let main: HTML = """
            <h1>\(v.t("Conditions d'utilisation", "Terms of use"))</h1>
            <p>\(v.t("Version \(LegalDocument.terms.currentVersion).", "Version \(LegalDocument.terms.currentVersion)."))</p>
            \(each: sections)
            """
        return WebPage(title: v.t("Conditions d'utilisation", "Terms of use"), main: main)
    }
}
