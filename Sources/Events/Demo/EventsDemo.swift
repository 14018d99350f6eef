import Core
import Fluent
import Foundation
import SQLKit

/// Demo forums and workshops in both demo territories, in real communes: past ones with their
/// attendance, minutes and a live poll with results; upcoming ones, one of them full with a
/// waiting list, and a draft.
enum EventsDemo {
    struct Person: Decodable { let id: Int; let display_name: String; let email: String? }

    static func load(on db: any Database) async throws -> [String] {
        let sql = db.sql
        struct Territory: Decodable { let id: Int; let slug: String }
        let territories = try await sql.raw("SELECT id, slug FROM territories WHERE slug IN ('vitre', 'broceliande')")
            .all(decoding: Territory.self)
        var lines: [String] = []
        for territory in territories {
            struct Count: Decodable { let n: Int }
            let existing =
                try await sql.raw("SELECT count(*) AS n FROM events WHERE territory_id = \(bind: territory.id)").first(
                    decoding: Count.self)?.n ?? 0
            guard existing == 0 else { continue }
            try await db.transaction { tx in
                if territory.slug == "vitre" {
                    try await vitre(territory.id, on: tx)
                } else {
                    try await broceliande(territory.id, on: tx)
                }
            }
            lines.append("Forums et ateliers : /\(territory.slug)/evenements")
        }
        return lines
    }

    static func person(_ email: String, on db: any Database) async throws -> Person? {
        try await db.sql.raw("SELECT id, display_name, email FROM people WHERE email = \(bind: email)")
            .first(decoding: Person.self)
    }

    /// A demo registration, through the same seat-taking as everyone's.
    static func seat(eventID: Int, _ who: EventStore.Registrant, on db: any Database) async throws -> SeatTaking.Taken {
        try await SeatTaking.take(eventID: eventID, who, now: Date(), on: db)
    }

    /// A day `days` from today at `hour`:`minute`, Paris time.

    static func at(days: Int, hour: Int, minute: Int = 0, now: Date = Date()) -> Date {
        let today = ParisTime.local(now)
        let c = ParisTime.civil(fromDays: ParisTime.daysFromCivil(today.year, today.month, today.day) + days)
        return
            (try? ParisTime.utc(LocalDateTime(year: c.year, month: c.month, day: c.day, hour: hour, minute: minute))
            .get())
            ?? now.addingTimeInterval(Double(days) * 86400)
    }

    static func event(
        _ t: Int, kind: EventKind, status: EventStatus = .published, title: String, description: String,
        themes: [Theme],
        days: Int, from: (Int, Int), to: (Int, Int), commune: String?, address: String?, room: String?,
        online: String? = nil,
        access: [AccessFeature], capacity: Int, organisers: String, by: Int?, on db: any Database
    ) async throws -> Int {
        let input = EventInput(
            kind: kind, title: title, description: description, themes: themes,
            start: at(days: days, hour: from.0, minute: from.1),
            end: at(days: days, hour: to.0, minute: to.1), communeCode: commune, address: address, room: room,
            onlineURL: online,
            access: access, capacity: capacity, opensOn: nil, closesOn: nil, organisers: organisers)
        return try await EventStore.insertEvent(input, territoryID: t, status: status, by: by, on: db)
    }

    static func registrant(
        _ person: Person?, name: String? = nil, phone: String? = nil, needs: String? = nil, commune: String?,
        audience: Audience = .resident,
        by: Int? = nil
    ) -> EventStore.Registrant {
        EventStore.Registrant(
            personID: person?.id, name: person?.display_name ?? name ?? "—", email: person?.email, phone: phone,
            needs: needs,
            communeCode: commune, audience: audience, by: by ?? person?.id)
    }

    static func checkIn(_ eventID: Int, except: Set<String> = [], on db: any Database) async throws {
        let rows = try await EventStore.registrations(eventID: eventID, on: db)
        for row in rows where row.status == .registered && !except.contains(row.name) {
            try await EventStore.checkIn(registrationID: row.id, eventID: eventID, now: Date(), on: db)
        }
    }

    static func poll(
        _ eventID: Int, question: String, options: [(String, Int)], open: Bool, on db: any Database
    ) async throws {
        let sql = db.sql
        struct Inserted: Decodable { let id: Int }
        guard
            let activity = try await sql.raw(
                """
                INSERT INTO event_activities (event_id, kind, question, open, created_at) VALUES (\(bind: eventID), 'poll', \(bind: question), \(bind: open), \(bind: Date()))
                RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { return }
        var voter = 0
        for (index, option) in options.enumerated() {
            guard
                let row = try await sql.raw(
                    """
                    INSERT INTO event_activity_options (activity_id, position, label) VALUES (\(bind: activity.id), \(bind: index), \(bind: option.0)) RETURNING id
                    """
                ).first(decoding: Inserted.self)
            else { continue }
            for _ in 0..<option.1 {
                voter += 1
                try await sql.raw(
                    """
                    INSERT INTO event_votes (activity_id, participant, target_id, created_at)
                    VALUES (\(bind: activity.id), \(bind: Tokens.sha256Hex("demo-\(eventID)-\(voter)")), \(bind: row.id), \(bind: Date()))
                    """
                ).run()
            }
        }
    }

    static func ideas(
        _ eventID: Int, question: String, ideas: [(String, String?, Int)], on db: any Database
    ) async throws {
        let sql = db.sql
        struct Inserted: Decodable { let id: Int }
        guard
            let activity = try await sql.raw(
                """
                INSERT INTO event_activities (event_id, kind, question, open, created_at) VALUES (\(bind: eventID), 'ideas', \(bind: question), \(bind: false), \(bind: Date()))
                RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { return }
        for (index, idea) in ideas.enumerated() {
            guard
                let row = try await sql.raw(
                    """
                    INSERT INTO event_ideas (activity_id, participant, author_name, body, hidden, created_at)
                    VALUES (\(bind: activity.id), \(bind: Tokens.sha256Hex("demo-idea-\(index)")), \(bind: idea.1), \(bind: idea.0), \(bind: false), \(bind: Date())) RETURNING id
                    """
                ).first(decoding: Inserted.self)
            else { continue }
            for voter in 0..<idea.2 {
                try await sql.raw(
                    """
                    INSERT INTO event_votes (activity_id, participant, target_id, created_at)
                    VALUES (\(bind: activity.id), \(bind: Tokens.sha256Hex("demo-vote-\(voter)")), \(bind: row.id), \(bind: Date()))
                    """
                ).run()
            }
        }
    }

    /// A closed ranking: each ballot is a top 3 (indices into `options`), scored 3/2/1 (Borda).
    static func ranking(
        _ eventID: Int, question: String, options: [String], ballots: [[Int]], on db: any Database
    ) async throws {
        let sql = db.sql
        struct Inserted: Decodable { let id: Int }
        guard
            let activity = try await sql.raw(
                """
                INSERT INTO event_activities (event_id, kind, question, open, created_at) VALUES (\(bind: eventID), 'ranking', \(bind: question), \(bind: false), \(bind: Date()))
                RETURNING id
                """
            ).first(decoding: Inserted.self)
        else { return }
        var ids: [Int] = []
        for (index, option) in options.enumerated() {
            guard
                let row = try await sql.raw(
                    """
                    INSERT INTO event_activity_options (activity_id, position, label) VALUES (\(bind: activity.id), \(bind: index), \(bind: option)) RETURNING id
                    """
                ).first(decoding: Inserted.self)
            else { continue }
            ids.append(row.id)
        }
        for (voter, ballot) in ballots.enumerated() {
            let participant = Tokens.sha256Hex("demo-ranking-\(eventID)-\(voter)")
            try await sql.raw(
                "INSERT INTO event_ballots (activity_id, participant, created_at) VALUES (\(bind: activity.id), \(bind: participant), \(bind: Date()))"
            ).run()
            for (rank, option) in ballot.enumerated() where ids.indices.contains(option) {
                try await sql.raw(
                    """
                    INSERT INTO event_votes (activity_id, participant, target_id, rank_position, created_at)
                    VALUES (\(bind: activity.id), \(bind: participant), \(bind: ids[option]), \(bind: rank + 1), \(bind: Date()))
                    """
                ).run()
            }
        }
    }

    static func vitre(_ t: Int, on db: any Database) async throws {
        let coordinator = try await person("coordination@vitre.example", on: db)
        let partner = try await person("partenaire@vitre.example", on: db)
        let resident = try await person("habitant@vitre.example", on: db)
        let pro = try await person("pro@vitre.example", on: db)
        let decider = try await person("decideur@vitre.example", on: db)
        let organisers = "CPTS du Pays de Vitré"

        // A past forum: attendance, a walk-in, minutes, a closed poll, an idea wall and a ranking of its ideas.
        let forum = try await event(
            t, kind: .forum, title: "Forum santé : trouver un médecin traitant",
            description:
                "Beaucoup d'habitants n'ont plus de médecin traitant.\n\nVenez dire ce qui est difficile pour vous, écouter les professionnels et chercher des solutions ensemble.",
            themes: [.access], days: -40, from: (18, 0), to: (20, 30), commune: "35360",
            address: "2 rue de la Baratière", room: "Salle des fêtes",
            access: [.stepFree, .hearingLoop, .transport], capacity: 80, organisers: organisers, by: coordinator?.id,
            on: db)
        for who in [
            registrant(resident, commune: "35360"), registrant(pro, commune: "35360", audience: .professional),
            registrant(decider, commune: "35360", audience: .decisionMaker),
            registrant(partner, commune: "35360", audience: .patientPartner),
        ] {
            _ = try await seat(eventID: forum, who, on: db)
        }
        for (index, name) in [
            "Jeanne Lemoine", "Paul Hamon", "Nadia Benali", "Yves Rault", "Sylvie Garnier", "Louis Pichon",
            "Anne Texier",
        ].enumerated() {
            _ = try await seat(
                eventID: forum,
                registrant(
                    nil, name: name, phone: "02 99 00 00 1\(index)",
                    commune: ["35360", "35068", "35006", "35109"][index % 4], by: partner?.id), on: db)
        }
        var walkIn = registrant(nil, name: "Marc Fontaine", commune: "35038", by: coordinator?.id)
        walkIn.walkIn = true
        walkIn.checkedIn = true
        _ = try await seat(eventID: forum, walkIn, on: db)
        try await checkIn(forum, except: ["Yves Rault"], on: db)
        try await db.sql.raw(
            """
            UPDATE events SET minutes = \(bind: "Une cinquantaine de questions ont été posées.\n\nTrois pistes retenues : un numéro unique pour les soins non programmés, un bus vers la maison de santé, une permanence d'accès aux droits.")
            WHERE id = \(bind: forum)
            """
        ).run()
        try await poll(
            forum, question: "Qu'est-ce qui vous aiderait le plus ?",
            options: [
                ("Un numéro unique pour les soins non programmés", 14),
                ("Un transport vers la maison de santé", 9), ("Des consultations le samedi matin", 6),
            ], open: false, on: db)
        try await ideas(
            forum, question: "Vos idées pour l'accès aux soins",
            ideas: [
                ("Un bus vers la maison de santé le mardi matin", "Jeanne", 8),
                ("Afficher en mairie la liste des médecins qui prennent de nouveaux patients", nil, 5),
                ("Une permanence infirmière au centre social", "Paul", 3),
            ], on: db)
        try await ranking(
            forum, question: "Nos priorités pour l'année",
            options: [
                "Un bus vers la maison de santé le mardi matin",
                "Afficher en mairie la liste des médecins qui prennent de nouveaux patients",
                "Une permanence infirmière au centre social",
                "Un numéro unique pour les soins non programmés",
            ],
            ballots: [
                [0, 3, 1], [3, 0, 2], [0, 1, 3], [3, 2, 0], [1, 0, 3], [0, 3, 2], [3, 0, 1], [2, 0, 3], [0, 2, 1],
                [3, 1, 0], [0, 3, 1], [1, 3, 0],
            ], on: db)

        // An upcoming workshop run by the patient partner: full, with a waiting list.
        let workshop = try await event(
            t, kind: .workshop, title: "Atelier participatif : bien vieillir chez soi",
            description:
                "Un atelier en petit groupe pour parler de ce qui aide à rester chez soi en bonne santé.\n\nCafé offert. Documents faciles à lire.",
            themes: [.ageing, .mobility], days: 12, from: (14, 30), to: (16, 30), commune: "35068",
            address: "Place de l'Église",
            room: "Centre social", access: [.stepFree, .easyRead], capacity: 6,
            organisers: "Patients partenaires du Pays de Vitré",
            by: partner?.id, on: db)
        _ = try await seat(
            eventID: workshop, registrant(resident, needs: "Je viens avec mon déambulateur.", commune: "35360"), on: db)
        for (index, name) in [
            "Hélène Morel", "Bernard Gicquel", "Odile Perrin", "Jean Lebreton", "Michelle Rouxel", "Ginette Hervé",
            "René Lelièvre",
        ].enumerated() {
            _ = try await seat(
                eventID: workshop,
                registrant(nil, name: name, phone: "06 10 20 30 4\(index)", commune: "35068", by: partner?.id), on: db)
        }
        try await poll(
            workshop, question: "Quel sujet voulez-vous aborder en premier ?",
            options: [("Les aides à domicile", 0), ("Les transports", 0), ("La solitude", 0)],
            open: true, on: db)

        // An upcoming public meeting, in a room and online.
        let meeting = try await event(
            t, kind: .publicMeeting, title: "Réunion publique : la santé mentale des jeunes",
            description:
                "Des professionnels présentent ce qui existe pour les jeunes et leurs familles. Puis place à vos questions.",
            themes: [.mentalHealth, .youth], days: 25, from: (19, 0), to: (21, 0), commune: "35006",
            address: "1 rue du Stade",
            room: "Espace Pierre-Texier", online: "https://visio.example.org/sante-jeunes",
            access: [.stepFree, .signLanguage],
            capacity: 120, organisers: organisers, by: coordinator?.id, on: db)
        _ = try await seat(eventID: meeting, registrant(pro, commune: "35360", audience: .professional), on: db)

        _ = try await event(
            t, kind: .training, status: .draft, title: "Formation : les droits des patients",
            description: "Une session pour connaître vos droits à l'hôpital et chez le médecin.", themes: [.rights],
            days: 45, from: (9, 30), to: (12, 0),
            commune: "35360", address: "2 rue de la Baratière", room: "Salle 3", access: [.stepFree], capacity: 20,
            organisers: organisers,
            by: coordinator?.id, on: db)
    }

    static func broceliande(_ t: Int, on db: any Database) async throws {
        let coordinator = try await person("coordination@broceliande.example", on: db)
        let partner = try await person("partenaire@broceliande.example", on: db)
        let past = try await event(
            t, kind: .forum, title: "Forum : se soigner à la campagne",
            description:
                "Habitants, soignants et élus parlent ensemble des trajets vers les soins et des déserts médicaux.",
            themes: [.access, .mobility], days: -20, from: (10, 0), to: (12, 30), commune: "35223",
            address: "Rue de l'Hermine",
            room: "Salle polyvalente", access: [.stepFree, .transport], capacity: 60, organisers: "CPTS de Brocéliande",
            by: coordinator?.id, on: db)
        if let partner {
            _ = try await seat(eventID: past, registrant(partner, commune: "35223", audience: .patientPartner), on: db)
        }
        for (index, name) in [
            "Morgane Le Guen", "Erwan Guillou", "Soizic Le Bihan", "Yann Le Goff", "Katell Riou", "Gaël Tanguy",
        ].enumerated() {
            _ = try await seat(
                eventID: past,
                registrant(
                    nil, name: name, phone: "02 99 06 00 0\(index)", commune: ["35223", "35211", "35037"][index % 3],
                    by: partner?.id), on: db)
        }
        try await checkIn(past, on: db)
        try await poll(
            past, question: "Comment venez-vous à vos rendez-vous médicaux ?",
            options: [("En voiture, seul·e", 11), ("On m'emmène", 7), ("En car", 2)],
            open: false, on: db)
        _ = try await event(
            t, kind: .workshop, title: "Atelier : la forêt, bonne pour la santé",
            description:
                "Une marche douce en forêt de Paimpont, puis un atelier pour imaginer des sorties santé pour tous.",
            themes: [.prevention, .environment], days: 18, from: (14, 0), to: (17, 0), commune: "35211",
            address: "Place du Roi Judicaël",
            room: "Maison du tourisme", access: [.easyRead], capacity: 15,
            organisers: "Patients partenaires de Brocéliande", by: partner?.id, on: db)
    }
}
