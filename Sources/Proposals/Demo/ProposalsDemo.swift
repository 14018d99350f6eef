import Core
import Fluent
import Foundation
import SQLKit

/// Realistic proposals for the demo territories, in every status, with answers, supports and
/// comments. Idempotent: nothing is added when the territory already has proposals.
enum ProposalsDemo {
    struct Item {
        let title: String
        let body: String
        let themes: [Theme]
        let communes: [String]
        let status: ProposalStatus
        let answer: String?
    }

    static let vitre: [Item] = [
        Item(
            title: "Un bus vers la maison de santé le mardi matin",
            body:
                "Beaucoup de personnes âgées d'Argentré-du-Plessis n'ont plus de voiture. Un petit bus le mardi matin, jour des consultations, les aiderait à venir voir le médecin sans dépendre des voisins.",
            themes: [.mobility, .access, .ageing], communes: ["35006"], status: .inProgress,
            answer:
                "Proposition retenue : un transport à la demande sera testé six mois à partir de janvier avec la communauté d'agglomération."
        ),
        Item(
            title: "Des consultations de sages-femmes à La Guerche",
            body:
                "Les femmes enceintes font 30 minutes de route pour chaque rendez-vous. Une permanence de sage-femme une fois par semaine à La Guerche-de-Bretagne éviterait ces trajets.",
            themes: [.access], communes: ["35125"], status: .accepted,
            answer: "Retenue : la maternité du centre hospitalier ouvrira une permanence le jeudi à la maison de santé."
        ),
        Item(
            title: "Un atelier sur les écrans pour les parents",
            body:
                "Des parents se demandent comment limiter les écrans pour les petits. Un atelier gratuit à la médiathèque, avec une puéricultrice, serait utile.",
            themes: [.prevention, .youth], communes: ["35360"], status: .done,
            answer: "Retenue et réalisée : deux ateliers ont eu lieu au printemps, un troisième est prévu."),
        Item(
            title: "Mieux informer sur les droits des patients à l'hôpital",
            body:
                "On ne sait pas à qui s'adresser quand on n'est pas content d'une prise en charge. Une affiche claire dans le hall et une page simple sur internet aideraient.",
            themes: [.rights, .information], communes: [], status: .underStudy, answer: nil),
        Item(
            title: "Un groupe de parole pour les aidants",
            body:
                "Je m'occupe de ma mère atteinte de la maladie d'Alzheimer. Un groupe de parole pour les aidants, le soir, permettrait de ne pas rester seul avec ses difficultés.",
            themes: [.mentalHealth, .ageing], communes: ["35360", "35006"], status: .received, answer: nil),
        Item(
            title: "Une salle de sport santé pour les malades chroniques",
            body:
                "Pour les personnes diabétiques ou en surpoids, une activité physique adaptée encadrée par un professionnel, à petit prix, dans une salle communale.",
            themes: [.prevention], communes: ["35360"], status: .partlyAccepted,
            answer:
                "Retenue en partie : des créneaux d'activité physique adaptée seront ouverts au gymnase, mais pas de salle dédiée, faute de local disponible."
        ),
        Item(
            title: "Installer un cabinet médical dans chaque commune",
            body: "Chaque commune devrait avoir son cabinet médical avec un médecin présent tous les jours.",
            themes: [.access], communes: ["35014", "35096"], status: .notAccepted,
            answer:
                "Non retenue telle quelle : il n'y a pas assez de médecins pour un cabinet par commune. Nous travaillons plutôt sur la téléconsultation accompagnée en pharmacie et les consultations avancées."
        ),
        Item(
            title: "Des défibrillateurs signalés sur une carte",
            body:
                "Il existe des défibrillateurs dans les mairies et les salles de sport, mais personne ne sait où. Une carte et des panneaux aideraient en cas d'urgence.",
            themes: [.information, .prevention], communes: [], status: .received, answer: nil),
        Item(
            title: "Des documents de santé en facile à lire et à comprendre",
            body:
                "Les courriers de l'hôpital et de la sécurité sociale sont très difficiles à lire. Des versions en facile à lire et à comprendre (FALC) aideraient les personnes en situation de handicap et beaucoup d'autres.",
            themes: [.disability, .information, .rights], communes: [], status: .underStudy, answer: nil),
        Item(
            title: "Des permanences de l'assistante sociale à Châteaubourg",
            body:
                "Pour remplir un dossier d'aide ou de complémentaire santé, il faut aller à Vitré. Une permanence mensuelle à Châteaubourg aiderait les familles sans voiture.",
            themes: [.access, .rights], communes: ["35068"], status: .underStudy, answer: nil),
        Item(
            title: "Un atelier mémoire pour les seniors à Étrelles",
            body:
                "Des ateliers pour entretenir la mémoire, avec un peu de gymnastique douce, à la salle des fêtes. Beaucoup de retraités seraient intéressés.",
            themes: [.ageing, .prevention], communes: ["35109"], status: .accepted,
            answer: "Retenue : un cycle de dix séances commence en février avec l'association de prévention."),
        Item(
            title: "Des repas équilibrés à la cantine de Bais",
            body:
                "Travailler avec les producteurs locaux pour des repas plus équilibrés à l'école, et une diététicienne pour conseiller les cuisiniers.",
            themes: [.youth, .prevention], communes: ["35014"], status: .received, answer: nil),
        Item(
            title: "Dépister le cancer du sein : un bus itinérant",
            body:
                "Un mammobile dans les communes rurales, une fois par an, pour que les femmes qui ne se déplacent pas facilement puissent se faire dépister.",
            themes: [.prevention, .access], communes: ["35097", "35235", "35217"], status: .inProgress,
            answer:
                "Retenue : le mammobile passera à Domalain, Rannée et Le Pertre au printemps, avec une information dans les mairies."
        ),
        Item(
            title: "Une ligne d'écoute pour les agriculteurs en difficulté",
            body:
                "Le mal-être touche beaucoup d'agriculteurs. Faire connaître les lignes d'écoute existantes et organiser des rencontres à la chambre d'agriculture.",
            themes: [.mentalHealth, .information], communes: [], status: .partlyAccepted,
            answer:
                "Retenue en partie : une campagne d'information sera faite avec la MSA ; les rencontres dépendent de la chambre d'agriculture, que nous avons sollicitée."
        ),
        Item(
            title: "Des toilettes accessibles au marché de Vitré",
            body:
                "Les personnes en fauteuil ou les personnes âgées ne trouvent pas de toilettes accessibles le jour du marché.",
            themes: [.disability], communes: ["35360"], status: .done,
            answer: "Réalisée : des toilettes accessibles sont ouvertes place du marché le lundi matin."),
        Item(
            title: "Former les commerçants aux gestes qui sauvent",
            body:
                "Une formation courte aux premiers secours pour les commerçants et les employés de mairie, gratuite, dans chaque commune.",
            themes: [.prevention], communes: ["35038", "35087"], status: .received, answer: nil),
        Item(
            title: "Réduire les pesticides près des écoles",
            body:
                "Les parents s'inquiètent des épandages près de l'école de Val-d'Izé. Une distance plus grande et une information des familles seraient bienvenues.",
            themes: [.environment, .youth], communes: ["35347"], status: .notAccepted,
            answer:
                "Non retenue : les distances relèvent de la réglementation nationale et préfectorale. Nous avons transmis la demande d'information des familles à la mairie."
        ),
        Item(
            title: "Des consultations de psychologue gratuites pour les jeunes",
            body:
                "Beaucoup de jeunes n'osent pas consulter ou ne peuvent pas payer. Faire connaître le dispositif Mon soutien psy et une permanence au point information jeunesse.",
            themes: [.mentalHealth, .youth, .information], communes: ["35360"], status: .underStudy, answer: nil),
        Item(
            title: "Un guide des professionnels de santé en facile à lire",
            body:
                "Un petit guide papier, distribué en mairie, avec les médecins, infirmiers, pharmacies et numéros d'urgence de chaque commune.",
            themes: [.information, .access], communes: [], status: .received, answer: nil),
        Item(
            title: "Un point d'eau et de l'ombre au city-stade",
            body:
                "L'été, les jeunes jouent en plein soleil sans eau. Une fontaine et quelques arbres amélioreraient leur santé.",
            themes: [.environment, .youth], communes: ["35360"], status: .received, answer: nil),
    ]

    static let broceliande: [Item] = [
        Item(
            title: "Une navette vers l'hôpital de Ploërmel",
            body:
                "Depuis Paimpont, sans voiture, il est presque impossible d'aller aux consultations de l'hôpital. Une navette deux fois par semaine serait précieuse.",
            themes: [.mobility, .access], communes: ["35211", "35305"], status: .underStudy, answer: nil),
        Item(
            title: "Une permanence d'infirmière au marché de Plélan-le-Grand",
            body:
                "Une infirmière de prévention pourrait tenir une permanence au marché du dimanche pour la tension, le diabète et les vaccins.",
            themes: [.prevention, .access], communes: ["35223"], status: .accepted,
            answer: "Retenue : une permanence sera tenue un samedi par mois à partir du printemps, avec la CPTS."),
        Item(
            title: "Un café des aidants à Bréal-sous-Montfort",
            body:
                "Un lieu convivial pour les proches de personnes malades ou handicapées, un samedi par mois, avec une psychologue.",
            themes: [.mentalHealth, .disability], communes: ["35037"], status: .done,
            answer: "Réalisée : le café des aidants a lieu chaque premier samedi du mois à la médiathèque."),
        Item(
            title: "Un médecin à Saint-Thurial une demi-journée par semaine",
            body:
                "Le village n'a plus de médecin. Une consultation avancée dans la salle communale, une demi-journée par semaine, éviterait d'aller à Bréal.",
            themes: [.access], communes: ["35319"], status: .underStudy, answer: nil),
        Item(
            title: "Un atelier cuisine pour les familles à Plélan",
            body: "Cuisiner simple, bon et pas cher, avec une diététicienne et des produits locaux, au centre social.",
            themes: [.prevention, .youth], communes: ["35223"], status: .done,
            answer: "Réalisée : quatre ateliers ont eu lieu à l'automne, ils reprendront au printemps."),
        Item(
            title: "Des sentiers de randonnée accessibles en fauteuil",
            body:
                "Aménager au moins un sentier de la forêt de Brocéliande pour les fauteuils et les poussettes, avec des bancs.",
            themes: [.disability, .environment], communes: ["35211"], status: .partlyAccepted,
            answer:
                "Retenue en partie : un sentier d'un kilomètre sera aménagé près du lac ; la forêt domaniale ne permet pas davantage pour l'instant."
        ),
        Item(
            title: "Vaccination contre la grippe en pharmacie : le faire savoir",
            body:
                "Beaucoup de personnes âgées ne savent pas qu'on peut se faire vacciner en pharmacie. Une affiche dans les mairies et les cabinets suffirait.",
            themes: [.prevention, .information, .ageing], communes: [], status: .accepted,
            answer: "Retenue : l'affiche est prête et sera diffusée dès octobre."),
        Item(
            title: "Un covoiturage solidaire pour les rendez-vous médicaux",
            body:
                "Des bénévoles pourraient conduire les personnes sans voiture à leurs rendez-vous, avec un petit dédommagement.",
            themes: [.mobility, .access], communes: ["35169", "35187", "35340"], status: .inProgress,
            answer: "Retenue : le covoiturage solidaire démarre avec douze bénévoles ; inscription en mairie."),
        Item(
            title: "Informer sur le don d'organes",
            body:
                "Organiser une soirée d'information avec un médecin et des familles concernées, dans chaque commune de la communauté.",
            themes: [.information, .rights], communes: [], status: .received, answer: nil),
        Item(
            title: "Un défibrillateur à Saint-Péran",
            body: "La commune n'a pas de défibrillateur, et les secours mettent du temps à arriver.",
            themes: [.prevention], communes: ["35305"], status: .done,
            answer: "Réalisée : un défibrillateur est installé sur la façade de la mairie depuis juin."),
        Item(
            title: "Moins de bruit la nuit près de la route nationale",
            body:
                "Les habitants proches de la RN 24 dorment mal à cause du bruit des camions. Un mur antibruit ou un revêtement plus silencieux aiderait.",
            themes: [.environment], communes: ["35037"], status: .notAccepted,
            answer:
                "Non retenue : la route dépend de l'État ; nous avons transmis la demande à la direction des routes, avec les signatures recueillies."
        ),
        Item(
            title: "Lutter contre les tiques en forêt",
            body:
                "Les promeneurs ne connaissent pas les gestes contre les tiques et la maladie de Lyme. Des panneaux à l'entrée des sentiers seraient simples à installer.",
            themes: [.prevention, .environment], communes: ["35211"], status: .received, answer: nil),
    ]

    /// An action of the demo, answering one or more of the proposals above (by title).
    struct ActionPlan {
        let title: String
        let lead: String
        let description: String
        let progress: Int
        let milestones: [String]
        let proposals: [String]
    }

    static let vitreActions: [ActionPlan] = [
        ActionPlan(
            title: "Transport à la demande vers les soins", lead: "Vitré Communauté, service mobilité",
            description:
                "Un minibus sur réservation, la veille avant 17 h, conduit les personnes sans voiture à la maison de santé et au centre hospitalier. Essai de six mois, puis bilan avec les habitants.",
            progress: 40,
            milestones: [
                "Réunion de lancement avec les partenaires", "Premiers trajets le mardi matin",
                "Bilan avec les habitants",
            ],
            proposals: ["Un bus vers la maison de santé le mardi matin"]),
        ActionPlan(
            title: "Consultations avancées dans les bourgs",
            lead: "Centre hospitalier de Vitré et CPTS du pays de Vitré",
            description:
                "Des professionnels de l'hôpital viennent consulter dans les communes rurales : sages-femmes à La Guerche-de-Bretagne, dépistage du cancer du sein en mammobile.",
            progress: 35,
            milestones: [
                "Accord avec la maternité", "Première permanence de sage-femme",
                "Passage du mammobile à Domalain, Rannée et Le Pertre", "Bilan de fréquentation",
            ],
            proposals: [
                "Des consultations de sages-femmes à La Guerche", "Dépister le cancer du sein : un bus itinérant",
            ]),
        ActionPlan(
            title: "Ateliers de prévention près de chez soi", lead: "Association de prévention du pays de Vitré",
            description:
                "Des ateliers gratuits dans les communes : écrans et petits enfants, mémoire des seniors, activité physique adaptée pour les malades chroniques.",
            progress: 60,
            milestones: [
                "Ateliers écrans à la médiathèque", "Cycle mémoire à Étrelles",
                "Créneaux d'activité physique adaptée au gymnase",
            ],
            proposals: [
                "Un atelier sur les écrans pour les parents", "Un atelier mémoire pour les seniors à Étrelles",
                "Une salle de sport santé pour les malades chroniques",
            ]),
        ActionPlan(
            title: "Toilettes accessibles les jours de marché", lead: "Ville de Vitré",
            description:
                "Des toilettes accessibles aux fauteuils sont ouvertes place du marché le lundi matin, signalées par des panneaux.",
            progress: 100, milestones: ["Choix de l'emplacement", "Installation", "Signalétique"],
            proposals: ["Des toilettes accessibles au marché de Vitré"]),
        ActionPlan(
            title: "Campagne d'information sur les lignes d'écoute agricoles", lead: "MSA Portes de Bretagne",
            description:
                "Affiches et articles dans la presse agricole pour faire connaître les lignes d'écoute ; rencontres à étudier avec la chambre d'agriculture.",
            progress: 25,
            milestones: [
                "Conception des affiches", "Diffusion dans les mairies et coopératives",
                "Rencontre avec la chambre d'agriculture",
            ],
            proposals: ["Une ligne d'écoute pour les agriculteurs en difficulté"]),
    ]

    static let broceliandeActions: [ActionPlan] = [
        ActionPlan(
            title: "Aller vers les habitants éloignés des soins", lead: "CPTS de Brocéliande",
            description:
                "Une permanence d'infirmière de prévention au marché et un covoiturage solidaire vers les rendez-vous médicaux, avec des bénévoles.",
            progress: 35,
            milestones: ["Recrutement des bénévoles", "Première permanence au marché", "Bilan après six mois"],
            proposals: [
                "Une permanence d'infirmière au marché de Plélan-le-Grand",
                "Un covoiturage solidaire pour les rendez-vous médicaux",
            ]),
        ActionPlan(
            title: "Café des aidants", lead: "Centre social de Bréal-sous-Montfort",
            description:
                "Chaque premier samedi du mois, à la médiathèque, un moment d'échange entre aidants avec une psychologue.",
            progress: 100, milestones: ["Choix du lieu", "Première rencontre"],
            proposals: ["Un café des aidants à Bréal-sous-Montfort"]),
        ActionPlan(
            title: "Bien manger en famille", lead: "Centre social de Plélan-le-Grand",
            description: "Ateliers de cuisine simple et bon marché avec une diététicienne et des produits locaux.",
            progress: 100, milestones: ["Quatre ateliers d'automne"],
            proposals: ["Un atelier cuisine pour les familles à Plélan"]),
        ActionPlan(
            title: "Défibrillateurs dans les communes", lead: "Communauté de communes de Brocéliande",
            description:
                "Installer un défibrillateur accessible jour et nuit dans chaque commune qui n'en a pas, et former les habitants volontaires.",
            progress: 100, milestones: ["Achat", "Installation à Saint-Péran"],
            proposals: ["Un défibrillateur à Saint-Péran"]),
        ActionPlan(
            title: "Vaccination contre la grippe : le faire savoir", lead: "CPTS de Brocéliande et pharmacies",
            description: "Une affiche simple dans les mairies, les cabinets et les pharmacies, à partir d'octobre.",
            progress: 50, milestones: ["Affiche prête", "Diffusion en octobre"],
            proposals: ["Vaccination contre la grippe en pharmacie : le faire savoir"]),
    ]

    /// A day some time from now, written YYYY-MM-DD (the way milestones keep their due day).
    enum DemoDay {
        static func after(days: Int) -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
            let parts = calendar.dateComponents(
                [.year, .month, .day], from: Date().addingTimeInterval(Double(days) * 86_400))
            return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        }
    }

    static func load(on db: any Database) async throws -> [String] {
        let sql = db.sql
        struct IDRow: Decodable { let id: Int }
        var lines: [String] = []
        for (slug, items) in [("vitre", vitre), ("broceliande", broceliande)] {
            guard
                let territory = try await sql.raw("SELECT id FROM territories WHERE slug = \(bind: slug)").first(
                    decoding: IDRow.self)
            else { continue }
            struct Count: Decodable { let n: Int }
            let existing =
                try await sql.raw("SELECT count(*) AS n FROM proposals WHERE territory_id = \(bind: territory.id)")
                .first(decoding: Count.self)?.n ?? 0
            guard existing == 0 else { continue }
            struct Member: Decodable { let id: Int; let role: String }
            let members = try await sql.raw(
                """
                SELECT p.id, m.role FROM people p JOIN memberships m ON m.person_id = p.id
                WHERE m.territory_id = \(bind: territory.id) AND p.email IS NOT NULL ORDER BY p.id
                """
            ).all(decoding: Member.self)
            let authors = members.filter { ["resident", "professional", "patient_partner"].contains($0.role) }
            guard !authors.isEmpty else { continue }
            let signer = members.contains { $0.role == "decision_maker" } ? "decision_maker" : "coordinator"
            let communes = Set(
                try await sql.raw("SELECT code_insee AS id FROM communes WHERE territory_id = \(bind: territory.id)")
                    .all()
                    .map { try $0.decode(column: "id", as: String.self) })
            try await db.transaction { db in
                let sql = db.sql  // the transaction's connection, not a second one
                var ids: [String: (id: Int, decided: Date)] = [:]
                for (index, item) in items.enumerated() {
                    let author = authors[index % authors.count]
                    // Oldest first, the newest about forty days ago; answers come within four weeks.
                    let submitted = Date().addingTimeInterval(-Double(40 + (items.count - index) * 8) * 86_400)
                    let decided = submitted.addingTimeInterval(Double(7 + (index % 5) * 5) * 86_400)
                    let proposal = Proposal()
                    proposal.territoryID = territory.id
                    proposal.authorID = author.id
                    proposal.isAssisted = false
                    proposal.audience = author.role
                    proposal.title = item.title
                    proposal.body = item.body
                    proposal.themesMask = Theme.mask(item.themes)
                    proposal.origin =
                        index % 3 == 0 ? ProposalOrigin.event.rawValue : ProposalOrigin.spontaneous.rawValue
                    proposal.originDetail = index % 3 == 0 ? "Forum santé du territoire" : nil
                    proposal.status = item.status
                    proposal.createdAt = submitted
                    proposal.submittedAt = submitted
                    proposal.statusChangedAt = item.status == .received ? submitted : decided
                    proposal.answer = item.answer
                    proposal.answerRole = item.answer == nil ? nil : signer
                    proposal.answeredAt = item.answer == nil ? nil : decided
                    proposal.supportCount = 0
                    proposal.commentCount = 0
                    proposal.progress = 0
                    try await proposal.create(on: db)
                    let id = try proposal.requireID()
                    try await ProposalStore.index(proposal, communes: item.communes.filter(communes.contains), on: db)
                    try await ProposalEvent(
                        proposalID: id, from: nil, to: .received, role: author.role, note: nil, actorID: author.id,
                        at: submitted
                    ).create(on: db)
                    if item.status != .received {
                        let event = ProposalEvent(
                            proposalID: id, from: .received, to: item.status, role: signer, note: item.answer,
                            actorID: nil, at: proposal.answeredAt ?? proposal.statusChangedAt)
                        try await event.create(on: db)
                    }
                    // Supports from the members, and a short conversation.
                    for member in Set(members.map(\.id)).sorted() where (member + index) % 2 == 0 && member != author.id
                    {
                        try await sql.raw(
                            "INSERT INTO proposal_supports (proposal_id, person_id, created_at) VALUES (\(bind: id), \(bind: member), \(bind: submitted))"
                        ).run()
                    }
                    if index % 2 == 0, let other = members.first(where: { $0.id != author.id }) {
                        let comment = ProposalComment()
                        comment.proposalID = id
                        comment.authorID = other.id
                        comment.body = "Très bonne idée, je connais plusieurs personnes concernées dans ma commune."
                        comment.createdAt = submitted.addingTimeInterval(86_400 * 2)
                        try await comment.create(on: db)
                        let reply = ProposalComment()
                        reply.proposalID = id
                        reply.parentID = comment.id
                        reply.authorID = author.id
                        reply.body = "Merci ! N'hésitez pas à en parler autour de vous."
                        reply.createdAt = submitted.addingTimeInterval(86_400 * 3)
                        try await reply.create(on: db)
                    }
                    ids[item.title] = (id, decided)
                }
                for plan in (slug == "vitre" ? vitreActions : broceliandeActions) {
                    let linked = plan.proposals.compactMap { ids[$0] }
                    guard let start = linked.map(\.decided).min() else { continue }
                    let action = HealthAction()
                    action.territoryID = territory.id
                    action.title = plan.title
                    action.lead = plan.lead
                    action.description = plan.description
                    action.progress = plan.progress
                    action.createdAt = start
                    action.updatedAt = min(Date(), start.addingTimeInterval(86_400 * 20))
                    try await action.create(on: db)
                    let actionID = try action.requireID()
                    for (proposalID, _) in linked {
                        try await sql.raw(
                            "INSERT INTO action_proposals (action_id, proposal_id) VALUES (\(bind: actionID), \(bind: proposalID))"
                        ).run()
                    }
                    // Milestones done in proportion to the progress; the next ones have a due day.
                    for (step, title) in plan.milestones.enumerated() {
                        let milestone = ActionMilestone()
                        milestone.actionID = actionID
                        milestone.title = title
                        let done = plan.progress == 100 || step * 100 < plan.progress * plan.milestones.count / 2
                        milestone.doneAt =
                            done ? min(Date(), start.addingTimeInterval(86_400 * Double(5 + step * 6))) : nil
                        milestone.dueOn = done ? nil : DemoDay.after(days: 30 * (step + 1))
                        milestone.createdAt = start
                        try await milestone.create(on: db)
                    }
                }
                try await ProposalStore.refreshProgress(
                    of: "SELECT id FROM proposals WHERE territory_id = \(bind: territory.id)", on: db)
                try await sql.raw(
                    """
                    UPDATE proposals SET
                      support_count = (SELECT count(*) FROM proposal_supports s WHERE s.proposal_id = proposals.id),
                      comment_count = (SELECT count(*) FROM proposal_comments c WHERE c.proposal_id = proposals.id)
                    WHERE territory_id = \(bind: territory.id)
                    """
                ).run()
                try await ProposalReadModel.bump(territoryID: territory.id, on: db)
            }
            lines.append("Propositions /\(slug) : \(items.count)")
        }
        return lines
    }
}
