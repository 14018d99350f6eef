import Core
import Fluent
import Foundation
import SQLKit

/// One committee per demo territory: members in the three colleges (the demo accounts and a few
/// members who cannot log in), two past meetings with attendance, decisions and minutes (the first
/// approved at the second), an upcoming meeting, and an open call for candidates.
/// Idempotent: nothing is added when the territory already has a committee.
enum CommitteesDemo {
    struct Plan {
        let slug: String
        let name: String
        let purpose: String
        let themes: [Theme]
        /// (e-mail, display name, college, function, named, commune) — e-mails of existing demo
        /// accounts are reused; the others are created without a password.
        let members: [(String, String, College, MemberFunction, Bool, String?)]
        let agenda: [[String]]
        let decisions: [(consensus: Bool, text: String, links: String?)]
        let minutes: [String]
        let call: (title: String, body: String)
    }

    static let plans: [Plan] = [
        Plan(
            slug: "vitre", name: "Comité local de santé du pays de Vitré",
            purpose:
                "Le comité réunit des habitants, des professionnels de santé et des élus et financeurs pour discuter des questions de santé du territoire et construire ensemble des stratégies d'intervention.\n\nIl se réunit tous les trois mois, en soirée, à tour de rôle dans les communes.",
            themes: [.access, .prevention, .mobility, .ageing],
            members: [
                ("habitant@vitre.example", "", .users, .member, true, nil),
                ("partenaire@vitre.example", "", .users, .secretary, false, nil),
                ("martine.legoff@vitre.example.invalid", "Martine Le Goff", .users, .member, true, "35125"),
                ("joseph.gerard@vitre.example.invalid", "Joseph Gérard", .users, .member, false, "35006"),
                ("pro@vitre.example", "", .professionals, .member, true, nil),
                ("anne.brault@vitre.example.invalid", "Dr Anne Brault", .professionals, .chair, true, "35360"),
                ("karim.benali@vitre.example.invalid", "Karim Benali", .professionals, .member, true, "35068"),
                ("decideur@vitre.example", "", .decisionMakers, .member, true, nil),
                ("helene.morel@vitre.example.invalid", "Hélène Morel", .decisionMakers, .member, true, "35360"),
                ("paul.texier@vitre.example.invalid", "Paul Texier", .decisionMakers, .guest, true, nil),
            ],
            agenda: [
                [
                    "Bilan du transport à la demande vers les soins",
                    "Priorités de l'année : accès aux soins dans les bourgs", "Questions diverses",
                ],
                [
                    "Approbation du compte rendu de la séance précédente", "Consultations avancées : où commencer ?",
                    "Préparation du forum santé de printemps",
                ],
            ],
            decisions: [
                (
                    true, "Le comité demande de prolonger le transport à la demande six mois et d'ajouter le jeudi.",
                    "/vitre/actions"
                ),
                (
                    false, "Les consultations avancées commenceront à La Guerche-de-Bretagne puis à Bais.",
                    "/vitre/suivi-des-propositions"
                ),
            ],
            minutes: [
                "Présents : voir la liste. Le transport à la demande a fait 214 trajets en trois mois ; les usagers demandent un second jour. Le comité s'accorde pour demander sa prolongation.",
                "Le compte rendu de la séance précédente est approuvé. Après débat, le vote retient La Guerche-de-Bretagne puis Bais pour les consultations avancées. Le forum de printemps portera sur la santé mentale des jeunes.",
            ],
            call: (
                "Deux places au collège des usagers",
                "Vous habitez le pays de Vitré et vous voulez donner votre avis sur les actions de santé ? Deux places sont ouvertes au collège des usagers, pour trois ans. Une séance tous les trois mois, en soirée ; les frais de déplacement sont remboursés."
            )),
        Plan(
            slug: "broceliande", name: "Conseil santé de Brocéliande",
            purpose:
                "Le conseil santé rassemble usagers, soignants et élus de la communauté de communes de Brocéliande autour de l'accès aux soins et de la prévention en milieu rural.",
            themes: [.access, .prevention, .mentalHealth],
            members: [
                ("partenaire@broceliande.example", "", .users, .member, true, nil),
                ("yvonne.robin@broceliande.example.invalid", "Yvonne Robin", .users, .member, false, "35211"),
                ("gael.hamon@broceliande.example.invalid", "Gaël Hamon", .users, .member, true, "35223"),
                ("claire.menard@broceliande.example.invalid", "Claire Ménard", .professionals, .chair, true, "35223"),
                ("thomas.riou@broceliande.example.invalid", "Thomas Riou", .professionals, .member, true, "35037"),
                (
                    "sophie.lebreton@broceliande.example.invalid", "Sophie Le Breton", .decisionMakers, .member, true,
                    "35211"
                ),
                ("marc.jouan@broceliande.example.invalid", "Marc Jouan", .decisionMakers, .secretary, true, "35037"),
            ],
            agenda: [
                ["Installation du conseil", "Le covoiturage solidaire vers les soins"],
                ["Approbation du compte rendu", "Santé mentale : relais dans les communes"],
            ],
            decisions: [
                (
                    true, "Le conseil soutient le covoiturage solidaire et demande un bilan à six mois.",
                    "/broceliande/actions"
                ),
                (true, "Chaque commune désignera un relais santé mentale formé par le CMP.", nil),
            ],
            minutes: [
                "Le conseil est installé ; Claire Ménard est élue présidente. Le covoiturage solidaire est présenté par la CPTS.",
                "Le compte rendu est approuvé. Les communes désigneront un relais santé mentale d'ici l'été.",
            ],
            call: (
                "Une place au collège des usagers",
                "Une place d'usager est ouverte au conseil santé de Brocéliande, pour trois ans."
            )),
    ]

    static func load(on db: any Database) async throws -> [String] {
        var lines: [String] = []
        let sql = db.sql
        struct IDRow: Decodable { let id: Int }
        for plan in plans {
            guard
                let territory = try await sql.raw("SELECT id FROM territories WHERE slug = \(bind: plan.slug)").first(
                    decoding: IDRow.self)
            else { continue }
            guard try await Committee.query(on: db).filter(\.$territoryID == territory.id).count() == 0 else {
                continue
            }
            try await db.transaction { db in
                let sql = db.sql
                let now = Date()
                let today = Day.today(now)
                let committee = Committee()
                committee.territoryID = territory.id
                committee.name = plan.name
                committee.purpose = plan.purpose
                committee.themesMask = Theme.mask(plan.themes)
                committee.communes = ""
                committee.quorumPercent = 50
                committee.decisionRule = DecisionRule.majority.rawValue
                committee.voteWithoutQuorum = false
                committee.minimumSharePercent = 20
                committee.createdAt = now.addingTimeInterval(-200 * 86_400)
                try await committee.create(on: db)
                let cid = try committee.requireID()

                var seats: [(id: Int, college: College, function: MemberFunction)] = []
                for (email, name, college, function, named, commune) in plan.members {
                    var person = try await sql.raw("SELECT id FROM people WHERE email = \(bind: email)").first(
                        decoding: IDRow.self)?.id
                    if person == nil {
                        try await sql.raw(
                            """
                            INSERT INTO people (email, display_name, is_assisted, commune_code, created_at)
                            VALUES (\(bind: email), \(bind: name), \(bind: false), \(bind: commune), \(bind: now))
                            """
                        ).run()
                        person = try await sql.raw("SELECT id FROM people WHERE email = \(bind: email)").first(
                            decoding: IDRow.self)?.id
                        let role =
                            college == .professionals
                            ? "professional" : college == .decisionMakers ? "decision_maker" : "resident"
                        try await sql.raw(
                            """
                            INSERT INTO memberships (person_id, territory_id, role, created_at) VALUES (\(bind: person!), \(bind: territory.id), \(bind: role), \(bind: now))
                            """
                        ).run()
                    }
                    let member = CommitteeMember()
                    member.committeeID = cid
                    member.personID = person!
                    member.college = college.rawValue
                    member.function = function.rawValue
                    member.mandateStart = Day.adding(-200, to: today)!
                    // One mandate ends soon, so that the page shows the warning.
                    member.mandateEnd = Day.adding(seats.count == 2 ? 40 : 900, to: today)!
                    member.named = named
                    member.createdAt = committee.createdAt
                    try await member.create(on: db)
                    seats.append((try member.requireID(), college, function))
                }

                var meetings: [Meeting] = []
                for (index, agenda) in plan.agenda.enumerated() {
                    let meeting = Meeting()
                    meeting.committeeID = cid
                    let day = Day.adding(-150 + index * 90, to: today)!
                    meeting.startsAt = ClockTime.date(day: day, time: 18 * 60 + 30)!
                    meeting.endsAt = ClockTime.date(day: day, time: 20 * 60 + 30)!
                    meeting.place = index == 0 ? "Salle du conseil, mairie" : "Maison de santé, salle de réunion"
                    meeting.minutes = plan.minutes[index]
                    meeting.createdAt = meeting.startsAt.addingTimeInterval(-20 * 86_400)
                    try await meeting.create(on: db)
                    meetings.append(meeting)
                    for seat in seats {
                        let status: AttendanceStatus = seat.id % 5 == index ? .excused : .present
                        try await sql.raw(
                            "INSERT INTO committee_attendance (meeting_id, member_id, status) VALUES (\(bind: try meeting.requireID()), \(bind: seat.id), \(bind: status.rawValue))"
                        ).run()
                    }
                    for (position, title) in agenda.enumerated() {
                        let item = AgendaItem()
                        item.meetingID = try meeting.requireID()
                        item.position = position + 1
                        item.title = title
                        item.voteOpen = false
                        let decided = position == (index == 0 ? 0 : 1)
                        if decided {
                            let decision = plan.decisions[index]
                            item.decisionMode = (decision.consensus ? DecisionMode.consensus : .vote).rawValue
                            item.decisionText = decision.text
                            item.adopted = true
                            item.quorumMet = decision.consensus ? nil : true
                            item.links = decision.links
                            item.decidedAt = meeting.endsAt
                        }
                        try await item.create(on: db)
                        if decided, !plan.decisions[index].consensus {
                            for (offset, seat) in seats.enumerated() where seat.function.votes && seat.id % 5 != index {
                                let choice: VoteChoice = offset % 4 == 3 ? .no : offset % 5 == 4 ? .abstain : .yes
                                try await sql.raw(
                                    """
                                    INSERT INTO committee_votes (item_id, member_id, college, choice, created_at)
                                    VALUES (\(bind: try item.requireID()), \(bind: seat.id), \(bind: seat.college.rawValue), \(bind: choice.rawValue), \(bind: meeting.endsAt))
                                    """
                                ).run()
                            }
                        }
                    }
                }
                // The first minutes were approved at the second meeting; the second await the next one.
                meetings[0].minutesApprovedAt = meetings[1].startsAt
                meetings[0].minutesApprovedIn = meetings[1].id
                try await meetings[0].update(on: db)
                let next = Meeting()
                next.committeeID = cid
                let day = Day.adding(21, to: today)!
                next.startsAt = ClockTime.date(day: day, time: 18 * 60 + 30)!
                next.endsAt = ClockTime.date(day: day, time: 20 * 60 + 30)!
                next.place = "Salle polyvalente"
                next.onlineLink = "https://visio.example.org/comite-\(plan.slug)"
                next.createdAt = now
                try await next.create(on: db)
                for (position, title) in [
                    "Approbation du compte rendu de la séance précédente",
                    "Stratégie de prévention 2027 : premières pistes", "Questions diverses",
                ].enumerated() {
                    let item = AgendaItem()
                    item.meetingID = try next.requireID()
                    item.position = position + 1
                    item.title = title
                    item.voteOpen = false
                    try await item.create(on: db)
                }
                // A strategy: adopted in Vitré by the second meeting's vote, a draft in Brocéliande.
                let strategy = Strategy()
                strategy.committeeID = cid
                strategy.title =
                    plan.slug == "vitre"
                    ? "Stratégie d'accès aux soins dans les bourgs 2026-2028"
                    : "Stratégie santé mentale en milieu rural"
                strategy.version = 0
                strategy.createdAt = meetings[0].endsAt
                try await strategy.create(on: db)
                let parts: [(String, String)] = [
                    (
                        "Constat",
                        "Trois communes sur quatre n'ont plus de médecin ; les habitants sans voiture renoncent à des soins. Les questionnaires et le forum santé le confirment."
                    ),
                    (
                        "Objectifs",
                        "Rapprocher les consultations des habitants, faciliter les trajets vers les soins, faire connaître les aides existantes."
                    ),
                    (
                        "Actions",
                        "Transport à la demande vers les soins ; consultations avancées dans les bourgs ; information en facile à lire et à comprendre."
                    ),
                ]
                for (index, part) in parts.enumerated() {
                    let section = StrategySection()
                    section.strategyID = try strategy.requireID()
                    section.position = index + 1
                    section.title = part.0
                    section.body = part.1
                    section.updatedAt = strategy.createdAt
                    try await section.create(on: db)
                    try await StrategyStore.snapshot(strategy, author: nil, now: Date(), on: db)
                }
                if plan.slug == "vitre",
                    let item = try await AgendaItem.query(on: db).filter(\.$meetingID == (try meetings[1].requireID()))
                        .filter(
                            \.$decisionMode == DecisionMode.vote.rawValue
                        ).first()
                {
                    strategy.adoptedItemID = item.id
                    strategy.adoptedAt = meetings[1].endsAt
                    strategy.links = "/vitre/actions"
                    try await strategy.update(on: db)
                }

                let call = CandidateCall()
                call.committeeID = cid
                call.title = plan.call.title
                call.body = plan.call.body
                call.college = College.users.rawValue
                call.closesOn = Day.adding(25, to: today)!
                call.seats = plan.slug == "vitre" ? 2 : 1
                call.balance = ""
                call.createdAt = now
                try await call.create(on: db)
            }
            lines.append("Instances /\(plan.slug) : 1")
        }
        return lines
    }
}
