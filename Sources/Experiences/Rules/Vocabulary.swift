import Core
import Foundation

/// Where an experience took place: the contexts the HAS 2019 call listed.
public enum ExperienceContext: String, Sendable, CaseIterable, Codable {
    case communes = "communes-quartiers"
    case socialSupport = "accompagnement-social"
    case care = "lieux-de-soins"
    case quality = "qualite-securite"
    case education = "enseignement-formation"
    case research = "recherche-evaluation"
    case peers = "groupes-de-pairs"
    case digital = "numerique"

    public var label: Text {
        switch self {
        case .communes:
            Text(
                "Communes et quartiers (ateliers santé ville…)",
                "Municipalities and neighbourhoods (healthy-city workshops…)")
        case .socialSupport: Text("Lieu d'accompagnement social ou médico-social", "Social or medico-social support")
        case .care:
            Text(
                "Lieu de soins (domicile, cabinet, centre ou maison de santé, établissement…)",
                "Place of care (home, practice, health centre, hospital…)")
        case .quality: Text("Service qualité et sécurité des soins", "Quality and safety of care department")
        case .education: Text("Enseignement et formation des professionnels", "Education and training of professionals")
        case .research: Text("Recherche et évaluation en santé", "Health research and evaluation")
        case .peers:
            Text(
                "Groupe de patients ou de pairs (entraide, pair-aidance…)",
                "Patient or peer group (mutual aid, peer support…)")
        case .digital: Text("Réseaux sociaux et services numériques", "Social networks and digital services")
        }
    }
}

/// How far people were engaged, from being informed to deciding together.
public enum EngagementLevel: String, Sendable, CaseIterable, Codable {
    case information
    case consultation
    case collaboration
    case coConstruction = "co-construction"
    case partnership = "partenariat"

    public var label: Text {
        switch self {
        case .information: Text("Information", "Information")
        case .consultation: Text("Consultation (donner son avis)", "Consultation (giving one's opinion)")
        case .collaboration: Text("Collaboration", "Collaboration")
        case .coConstruction: Text("Co-construction", "Co-construction")
        case .partnership: Text("Partenariat (co-décision)", "Partnership (co-decision)")
        }
    }
}

/// Who took part (several at once).
public enum Participant: String, Sendable, CaseIterable, Codable, StoredBits {
    case users = "usagers"
    case representatives = "representants"
    case professionals = "professionnels"
    case organisations

    /// Stored in `experiences.participants_mask`: never change a position.
    public var bitPosition: Int {
        switch self {
        case .users: 0
        case .representatives: 1
        case .professionals: 2
        case .organisations: 3
        }
    }

    public var label: Text {
        switch self {
        case .users: Text("Usagers, patients, personnes accompagnées", "Users, patients, people supported")
        case .representatives:
            Text("Représentants d'usagers (légaux ou associatifs)", "Users' representatives (legal or associations)")
        case .professionals:
            Text(
                "Professionnels de santé, du social ou du médico-social",
                "Health, social or medico-social professionals")
        case .organisations:
            Text(
                "Organisations (associations, collectivités, établissements)",
                "Organisations (associations, local authorities, institutions)")
        }
    }
}

/// The population an experience involved (several at once).
public enum Population: String, Sendable, CaseIterable, Codable, StoredBits {
    case elderly = "personnes-agees"
    case youth = "jeunes"
    case disability = "handicap"
    case chronic = "maladies-chroniques"
    case mental = "sante-mentale"
    case precarious = "precarite"
    case parents = "parents-enfants"
    case everyone = "tout-public"

    /// Stored in `experiences.populations_mask`: never change a position.
    public var bitPosition: Int {
        switch self {
        case .elderly: 0
        case .youth: 1
        case .disability: 2
        case .chronic: 3
        case .mental: 4
        case .precarious: 5
        case .parents: 6
        case .everyone: 7
        }
    }

    public var label: Text {
        switch self {
        case .elderly: Text("Personnes âgées", "Older people")
        case .youth: Text("Jeunes", "Young people")
        case .disability: Text("Personnes en situation de handicap", "Disabled people")
        case .chronic: Text("Personnes vivant avec une maladie chronique", "People living with a chronic illness")
        case .mental: Text("Santé mentale", "Mental health")
        case .precarious: Text("Personnes en situation de précarité", "People in precarious situations")
        case .parents: Text("Parents et enfants", "Parents and children")
        case .everyone: Text("Tout public", "General public")
        }
    }
}

/// The themes of an experience (several at once).
public enum ExperienceTheme: String, Sendable, CaseIterable, Codable, StoredBits {
    case access = "acces-aux-soins"
    case prevention
    case pathway = "parcours-de-soins"
    case rights = "droits-des-usagers"
    case education = "education-therapeutique"
    case quality = "qualite-des-soins"
    case information = "information-en-sante"
    case ageing = "bien-vieillir"

    /// Stored in `experiences.themes_mask`: never change a position.
    public var bitPosition: Int {
        switch self {
        case .access: 0
        case .prevention: 1
        case .pathway: 2
        case .rights: 3
        case .education: 4
        case .quality: 5
        case .information: 6
        case .ageing: 7
        }
    }

    public var label: Text {
        switch self {
        case .access: Text("Accès aux soins", "Access to care")
        case .prevention: Text("Prévention et promotion de la santé", "Prevention and health promotion")
        case .pathway: Text("Parcours de soins", "Care pathways")
        case .rights: Text("Droits des usagers", "Users' rights")
        case .education: Text("Éducation thérapeutique", "Therapeutic education")
        case .quality: Text("Qualité et sécurité des soins", "Quality and safety of care")
        case .information: Text("Information en santé", "Health information")
        case .ageing: Text("Bien vieillir", "Ageing well")
        }
    }
}

/// The regions of France (INSEE codes), where an experience took place.
public enum Region: String, Sendable, CaseIterable, Codable {
    case guadeloupe = "01", martinique = "02", guyane = "03", reunion = "04", mayotte = "06"
    case ileDeFrance = "11", centreValDeLoire = "24", bourgogneFrancheComte = "27", normandie = "28"
    case hautsDeFrance = "32", grandEst = "44", paysDeLaLoire = "52", bretagne = "53"
    case nouvelleAquitaine = "75", occitanie = "76", auvergneRhoneAlpes = "84", paca = "93", corse = "94"

    public var name: String {
        switch self {
        case .guadeloupe: "Guadeloupe"
        case .martinique: "Martinique"
        case .guyane: "Guyane"
        case .reunion: "La Réunion"
        case .mayotte: "Mayotte"
        case .ileDeFrance: "Île-de-France"
        case .centreValDeLoire: "Centre-Val de Loire"
        case .bourgogneFrancheComte: "Bourgogne-Franche-Comté"
        case .normandie: "Normandie"
        case .hautsDeFrance: "Hauts-de-France"
        case .grandEst: "Grand Est"
        case .paysDeLaLoire: "Pays de la Loire"
        case .bretagne: "Bretagne"
        case .nouvelleAquitaine: "Nouvelle-Aquitaine"
        case .occitanie: "Occitanie"
        case .auvergneRhoneAlpes: "Auvergne-Rhône-Alpes"
        case .paca: "Provence-Alpes-Côte d'Azur"
        case .corse: "Corse"
        }
    }

    /// In alphabetical order, for lists.
    public static let sorted: [Region] = allCases.sorted {
        $0.name.compare($1.name, locale: .init(identifier: "fr_FR")) == .orderedAscending
    }
}

/// Bit masks of multi-valued vocabularies, in one integer column; each case names its bit
/// (`StoredBits`), so the order of the cases does not matter.
public enum Mask {
    public static func of<T: StoredBits>(_ values: [T]) -> Int { T.mask(values) }
    public static func values<T: StoredBits>(_ mask: Int, _ type: T.Type) -> [T] { T.from(mask: mask) }
}
