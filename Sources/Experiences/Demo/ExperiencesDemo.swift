import Core
import Fluent
import Foundation
import SQLKit

/// The demo: a national call with a dozen submissions in every status (with their reviews), and
/// a local call in Vitré. National accounts (organiser, two reviewers) are created with the demo
/// password of the other demo accounts. Idempotent.
public enum ExperiencesDemo {
    public static let nationalCallTitle = "Recueil national d'expériences participatives en santé 2026"
    public static let localCallTitle = "Vos démarches participatives en santé dans le Pays de Vitré"
    public static let organiser = (
        email: "organisation@appel-national.example", name: "Mission nationale engagement des usagers"
    )
    public static let reviewers = [
        (email: "relecture1@appel-national.example", name: "Claire Rivière"),
        (email: "relecture2@appel-national.example", name: "Thomas Nguyen"),
    ]

    struct Spec {
        let title, author: String
        let status: ExperienceStatus
        let context: ExperienceContext, level: EngagementLevel
        let region: Region, place: String
        let start: Int
        let themes: [ExperienceTheme], populations: [Population]
        let summary, objectives, actions, results, lessons: String
        let people: Int
        let scores: [[Int]]  // one line per reviewer, one score per criterion
        let question: String?
    }

    static let specs: [Spec] = [
        Spec(
            title: "Café des aidants de Vitré", author: "partenaire@vitre.example", status: .published,
            context: .communes, level: .coConstruction,
            region: .bretagne, place: "Vitré", start: 2019, themes: [.ageing, .information], populations: [.elderly],
            summary:
                "Un café mensuel où les aidants de personnes âgées échangent avec une infirmière, une psychologue et des aidants expérimentés.",
            objectives: "Rompre l'isolement des aidants et leur donner des repères sur les aides existantes.",
            actions:
                "Le programme de chaque saison est choisi par un comité d'aidants et de professionnels ; les séances ont lieu au centre social.",
            results: "Plus de 120 aidants venus au moins une fois ; un guide local des aides écrit avec eux.",
            lessons: "Le lieu neutre (un café) compte beaucoup ; prévoir une solution de répit pendant la séance.",
            people: 120,
            scores: [[4, 3, 4, 4], [4, 4, 3, 4]], question: nil),
        Spec(
            title: "Patients partenaires dans la formation des internes", author: "habitant@vitre.example",
            status: .published, context: .education, level: .partnership,
            region: .paysDeLaLoire, place: "Angers", start: 2017, themes: [.rights, .pathway], populations: [.chronic],
            summary:
                "Des patients partenaires co-animent les enseignements de relation soignant-soigné des internes de médecine générale.",
            objectives: "Faire entendre l'expérience des patients dès la formation initiale.",
            actions:
                "Binômes enseignant-patient, construction commune des situations cliniques, évaluation croisée des internes.",
            results: "Quatre promotions formées ; les internes citent ces séances parmi les plus utiles.",
            lessons: "Rémunérer les patients partenaires et leur offrir une formation préalable.", people: 260,
            scores: [[4, 4, 4, 3], [3, 4, 4, 3]], question: nil),
        Spec(
            title: "Comité d'usagers d'une maison de santé rurale", author: "partenaire@broceliande.example",
            status: .published, context: .care, level: .collaboration,
            region: .bretagne, place: "Montfort-sur-Meu", start: 2021, themes: [.access, .quality],
            populations: [.everyone],
            summary:
                "Un comité de dix usagers se réunit chaque trimestre avec l'équipe de la maison de santé pluriprofessionnelle.",
            objectives: "Adapter l'organisation de la maison de santé aux besoins des habitants.",
            actions: "Questionnaire en salle d'attente, réunions trimestrielles, compte rendu affiché.",
            results: "Plages sans rendez-vous le samedi matin ; signalétique revue avec les usagers.",
            lessons: "Renouveler une partie du comité chaque année pour entendre de nouvelles voix.", people: 35,
            scores: [[3, 3, 4, 4], [4, 3, 3, 3]], question: nil),
        Spec(
            title: "Groupe d'entraide mutuelle numérique", author: "coordination@broceliande.example",
            status: .published, context: .digital, level: .consultation,
            region: .occitanie, place: "Toulouse", start: 2020, themes: [.information], populations: [.mental],
            summary: "Un forum en ligne modéré par des pairs, pour des personnes vivant avec des troubles psychiques.",
            objectives: "Offrir un lieu d'entraide accessible la nuit et le week-end.",
            actions: "Charte écrite avec les membres, modération par des pairs formés, lien avec le GEM local.",
            results: "800 membres ; une enquête montre un sentiment d'isolement moindre.",
            lessons: "La modération demande un soutien régulier des pairs modérateurs.", people: 800,
            scores: [[2, 3, 2, 3], [3, 2, 2, 2]], question: nil),
        Spec(
            title: "Ateliers santé ville du quartier Maurepas", author: "habitant@vitre.example", status: .remarkable,
            context: .communes, level: .coConstruction,
            region: .bretagne, place: "Rennes", start: 2016, themes: [.prevention, .access],
            populations: [.precarious, .parents],
            summary:
                "Des habitants du quartier et les professionnels de santé construisent ensemble le programme de prévention.",
            objectives: "Réduire les inégalités sociales de santé dans le quartier.",
            actions: "Diagnostic partagé, groupes de travail mixtes, actions choisies en assemblée d'habitants.",
            results: "Dépistage bucco-dentaire des enfants doublé en trois ans.",
            lessons: "Le temps long est nécessaire : la confiance se construit en plusieurs années.", people: 450,
            scores: [[4, 4, 3, 4], [4, 3, 4, 4]], question: nil),
        Spec(
            title: "Questionnaire de sortie co-écrit avec des patients", author: "partenaire@vitre.example",
            status: .notSelected, context: .quality, level: .consultation,
            region: .grandEst, place: "Nancy", start: 2022, themes: [.quality], populations: [.everyone],
            summary:
                "Le questionnaire de satisfaction de sortie d'hospitalisation a été réécrit avec un groupe de patients.",
            objectives: "Avoir des questions que les patients comprennent et qui mesurent ce qui compte pour eux.",
            actions: "Trois ateliers de réécriture, test auprès de 50 patients.",
            results: "Taux de réponse passé de 12 % à 19 %.",
            lessons: "Associer aussi les équipes soignantes à l'analyse des réponses.", people: 60,
            scores: [[2, 2, 1, 3], [1, 2, 2, 2]], question: nil),
        Spec(
            title: "Pair-aidance en addictologie", author: "partenaire@broceliande.example", status: .moreInfo,
            context: .peers, level: .partnership,
            region: .hautsDeFrance, place: "Lille", start: 2018, themes: [.pathway], populations: [.precarious],
            summary: "Des pairs-aidants salariés accompagnent les personnes suivies en addictologie.",
            objectives: "Favoriser l'accès et le maintien dans les soins.",
            actions: "Recrutement de deux pairs-aidants, participation aux réunions d'équipe.",
            results: "À préciser.",
            lessons: "Clarifier le rôle des pairs-aidants dès le départ.", people: 90,
            scores: [[3, 2, 3, 2]],
            question:
                "Pouvez-vous préciser comment les résultats ont été mesurés (nombre de personnes, durée du suivi) ?"),
        Spec(
            title: "Recherche participative sur le parcours diabète", author: "habitant@vitre.example",
            status: .underReview, context: .research, level: .collaboration,
            region: .auvergneRhoneAlpes, place: "Lyon", start: 2021, themes: [.pathway, .education],
            populations: [.chronic],
            summary:
                "Une équipe de recherche et une association de patients conduisent ensemble une étude sur le parcours des personnes diabétiques.",
            objectives: "Poser des questions de recherche qui partent de l'expérience des patients.",
            actions: "Comité de pilotage mixte, entretiens menés en binôme chercheur-patient.",
            results: "Premiers résultats présentés lors d'une journée ouverte au public.",
            lessons: "Prévoir le temps et le budget de la participation des patients.", people: 40,
            scores: [[4, 4, 4, 4], [1, 2, 1, 2]], question: nil),
        Spec(
            title: "Conseil de la vie sociale élargi en EHPAD", author: "partenaire@vitre.example",
            status: .underReview, context: .socialSupport, level: .consultation,
            region: .normandie, place: "Caen", start: 2023, themes: [.rights, .ageing], populations: [.elderly],
            summary:
                "Le conseil de la vie sociale s'ouvre aux familles et aux bénévoles, avec des réunions adaptées aux résidents.",
            objectives: "Que les résidents et leurs proches pèsent sur la vie de l'établissement.",
            actions: "Réunions courtes, supports en facile à lire, vote à main levée.",
            results: "Menus et horaires de visite revus.",
            lessons: "Les supports en facile à lire profitent à tous.", people: 70,
            scores: [[3, 3, 3, 2]], question: nil),
        Spec(
            title: "Éducation thérapeutique co-animée en insuffisance cardiaque", author: "habitant@vitre.example",
            status: .submitted, context: .care, level: .collaboration,
            region: .centreValDeLoire, place: "Tours", start: 2020, themes: [.education], populations: [.chronic],
            summary: "Un patient ressource co-anime les séances collectives d'éducation thérapeutique.",
            objectives: "Rendre les séances plus concrètes et plus encourageantes.",
            actions: "Formation du patient ressource (40 heures), co-animation de six séances par cycle.",
            results: "Moins d'abandons en cours de programme.",
            lessons: "Le patient ressource a besoin d'un temps de débriefing après chaque séance.", people: 150,
            scores: [], question: nil),
        Spec(
            title: "Ligne d'écoute tenue par des parents", author: "partenaire@broceliande.example", status: .submitted,
            context: .peers, level: .information,
            region: .ileDeFrance, place: "Paris", start: 2015, themes: [.information], populations: [.parents],
            summary: "Des parents d'enfants malades répondent à d'autres parents, avec l'appui d'un pédiatre.",
            objectives: "Rompre l'isolement des parents au moment du diagnostic.",
            actions: "Permanence téléphonique trois soirs par semaine.",
            results: "Environ 600 appels par an.",
            lessons: "Former les écoutants à orienter vers les professionnels.", people: 600,
            scores: [], question: nil),
        Spec(
            title: "Plan local de santé écrit avec les habitants", author: "pro@vitre.example", status: .draft,
            context: .communes, level: .coConstruction,
            region: .bretagne, place: "Châteaugiron", start: 2024, themes: [.access, .prevention],
            populations: [.everyone],
            summary: "Brouillon : le contrat local de santé a été préparé avec des habitants tirés au sort.",
            objectives: "", actions: "", results: "", lessons: "", people: 25, scores: [], question: nil),
    ]

    static let criteria: [(label: String, weight: Int)] = [
        ("Participation réelle des usagers", 3), ("Résultats et évaluation", 2), ("Transférabilité ailleurs", 2),
        ("Clarté de la description", 1),
    ]

    public static func load(on db: any Database) async throws -> [String] {
        try await db.transaction { db in
            let sql = db.sql
            struct Found: Decodable { let id: Int }
            if try await sql.raw("SELECT id FROM experience_calls WHERE title = \(bind: nationalCallTitle)").first(
                decoding: Found.self) != nil
            {
                return ["Appels à expériences : déjà chargés (/appels, /experiences)"]
            }
            // The national accounts share the demo password: their hash is copied from a demo account.
            struct Hash: Decodable { let id: Int; let password_hash: String? }
            guard
                let model = try await sql.raw(
                    "SELECT id, password_hash FROM people WHERE email = 'habitant@vitre.example'"
                ).first(decoding: Hash.self)
            else { return [] }
            var ids: [String: Int] = [:]
            for account in [organiser] + reviewers {
                if let existing = try await sql.raw("SELECT id FROM people WHERE email = \(bind: account.email)").first(
                    decoding: Found.self)
                {
                    ids[account.email] = existing.id
                    continue
                }
                let row = try await sql.raw(
                    """
                    INSERT INTO people (email, password_hash, display_name, email_confirmed_at, is_assisted, created_at)
                    VALUES (\(bind: account.email), \(bind: model.password_hash), \(bind: account.name), \(bind: Date()), \(bind: false), \(bind: Date())) RETURNING id
                    """
                ).first(decoding: Found.self)!
                try await sql.raw(
                    """
                    INSERT INTO consents (person_id, kind, version, accepted_at) SELECT \(bind: row.id), kind, version, \(bind: Date()) FROM consents WHERE person_id = \(bind: model.id)
                    """
                ).run()
                ids[account.email] = row.id
            }
            try await sql.raw(
                "INSERT INTO experience_organisers (person_id, created_at) VALUES (\(bind: ids[organiser.email]!), \(bind: Date()))"
            ).run()
            struct Person: Decodable { let id: Int; let email: String }
            for row in try await sql.raw("SELECT id, email FROM people WHERE email LIKE '%.example'").all(
                decoding: Person.self)
            { ids[row.email] = row.id }

            let national = try await ExperienceStore.createCall(
                title: nationalCallTitle, territoryID: nil, opens: "2026-01-15", closes: "2027-05-31",
                audience: .anyone,
                criteria: criteria, maxScore: 4, required: 2,
                reviewers: reviewers.compactMap { ids[$0.email] }, by: ids[organiser.email],
                body: """
                    Pour la période 2026-2028, la plateforme fait de l'engagement des usagers une priorité. Nous recueillons des expériences françaises de démarches participatives où les personnes soignées ou accompagnées, ou leurs représentants, collaborent avec les professionnels de la santé, du social ou du médico-social, dans un projet de santé.

                    Ce recueil, le plus large possible, permettra d'identifier des expériences « remarquables » : elles seront publiées dans le catalogue pour que d'autres s'en inspirent.
                    """, now: Date(), on: db)
            let grid = ReviewGrid(criteria: try await ExperienceStore.criteria(callID: national, on: db), maxScore: 4)
            let base = Date().addingTimeInterval(-60 * 24 * 3600)
            for (index, spec) in specs.enumerated() {
                guard let author = ids[spec.author] else { continue }
                var input = ExperienceInput()
                input.title = spec.title; input.summary = spec.summary; input.context = spec.context;
                input.level = spec.level
                input.participants = [.users, .professionals] + (index % 3 == 0 ? [.organisations] : [])
                input.participantCount = spec.people; input.objectives = spec.objectives; input.actions = spec.actions;
                input.results = spec.results
                input.evaluation =
                    spec.status == .draft
                    ? "" : "Questionnaires avant et après, et un bilan partagé avec les participants."
                input.lessons = spec.lessons; input.region = spec.region; input.place = spec.place;
                input.startYear = spec.start
                input.themes = spec.themes; input.populations = spec.populations
                input.contactName = "Contact de « \(spec.title) »";
                input.contactEmail = "contact-\(index + 1)@experiences.example"
                input.contactPublic = index % 2 == 0
                let id = try await ExperienceStore.save(
                    input, id: nil, callID: national, status: spec.status, by: author, now: Date(), on: db)
                try await ExperienceStore.index(id, input: input, on: db)
                let day = base.addingTimeInterval(Double(index) * 3 * 24 * 3600)
                try await sql.raw(
                    """
                    UPDATE experiences SET created_at = \(bind: day), updated_at = \(bind: day), status_changed_at = \(bind: day),
                    submitted_at = \(bind: spec.status == .draft ? nil : day as Date?), published_at = \(bind: spec.status == .published ? day.addingTimeInterval(20 * 24 * 3600) : nil as Date?),
                    remarkable = \(bind: spec.status == .remarkable || (spec.status == .published && index < 3))
                    WHERE id = \(bind: id)
                    """
                ).run()
                for (reviewer, line) in zip(reviewers, spec.scores) {
                    guard let reviewerID = ids[reviewer.email] else { continue }
                    let scores = Dictionary(uniqueKeysWithValues: zip(grid.criteria.map(\.id), line))
                    let comments = Dictionary(
                        uniqueKeysWithValues: grid.criteria.map {
                            ($0.id, line.reduce(0, +) >= 12 ? "Très convaincant." : "À étayer.")
                        })
                    try await ExperienceStore.saveReview(
                        experienceID: id, reviewerID: reviewerID, scores: scores, comments: comments,
                        weighted: grid.weightedScore(scores), now: Date(), on: db)
                }
                if let question = spec.question {
                    try await ExperienceStore.addMessage(
                        id, kind: "question", body: question, by: ids[organiser.email], now: Date(), on: db)
                }
            }
            // A local call in Vitré: members only, run by its coordination, one review per submission.
            if let vitre = try await sql.raw("SELECT id FROM territories WHERE slug = 'vitre'").first(
                decoding: Found.self)
            {
                let local = try await ExperienceStore.createCall(
                    title: localCallTitle, territoryID: vitre.id, opens: "2026-09-01", closes: "2027-03-31",
                    audience: .members,
                    criteria: criteria, maxScore: 4, required: 1,
                    reviewers: ["decideur@vitre.example", "admin@vitre.example"].compactMap { ids[$0] },
                    by: ids["coordination@vitre.example"],
                    body: """
                        La CPTS du Pays de Vitré recense les démarches où habitants, patients et professionnels ont travaillé ensemble sur le territoire : comités d'usagers, ateliers, groupes de pairs…

                        Les plus inspirantes seront présentées au prochain forum santé et publiées dans le catalogue.
                        """, now: Date(), on: db)
                var input = ExperienceInput()
                input.title = "Marche santé hebdomadaire à Argentré-du-Plessis";
                input.summary =
                    "Une marche chaque mardi, organisée par des habitants avec le kinésithérapeute du bourg."
                input.context = .communes; input.level = .collaboration; input.participants = [.users, .professionals];
                input.participantCount = 30
                input.objectives = "Bouger ensemble et rompre l'isolement.";
                input.actions = "Parcours choisis par les marcheurs, échauffement guidé."
                input.results = "Une trentaine de fidèles.";
                input.evaluation = "Un questionnaire simple chaque trimestre.";
                input.lessons = "Prévoir un parcours court."
                input.region = .bretagne; input.place = "Argentré-du-Plessis"; input.startYear = 2024;
                input.themes = [.prevention, .ageing]; input.populations = [.elderly]
                input.contactName = "Jeanne Lemoine"; input.contactEmail = "habitant@vitre.example"
                if let author = ids["habitant@vitre.example"] {
                    let id = try await ExperienceStore.save(
                        input, id: nil, callID: local, status: .submitted, by: author, now: Date(), on: db)
                    try await ExperienceStore.setStatus(id, to: .submitted, now: Date(), on: db)
                    try await ExperienceStore.index(id, input: input, on: db)
                }
            }
            try await ExperienceStore.bump(on: db)
            return [
                "Appels à expériences : un appel national (\(specs.count) contributions, tous les états) et un appel local à Vitré (/appels, /experiences)",
                "  \(organiser.email) — organisation nationale des appels ; \(reviewers.map(\.email).joined(separator: ", ")) — relecteur·rices de l'appel national",
            ]
        }
    }
}
