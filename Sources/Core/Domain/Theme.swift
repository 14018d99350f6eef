/// The health themes a territory works on, shared by every room (proposals, committees,
/// questionnaires, experiences). Stored as a bit mask so that one integer filters a list.
public enum Theme: String, Sendable, CaseIterable {
    case access = "acces-aux-soins"
    case prevention
    case mentalHealth = "sante-mentale"
    case ageing = "vieillissement"
    case youth = "jeunesse"
    case environment = "environnement"
    case mobility = "mobilite"
    case rights = "droits-des-patients"
    case disability = "handicap"
    case information

    public var bit: Int { 1 << Theme.allCases.firstIndex(of: self)! }

    public var label: Text {
        switch self {
        case .access: Text("Accès aux soins", "Access to care")
        case .prevention: Text("Prévention", "Prevention")
        case .mentalHealth: Text("Santé mentale", "Mental health")
        case .ageing: Text("Bien vieillir", "Ageing well")
        case .youth: Text("Jeunesse", "Youth")
        case .environment: Text("Santé-environnement", "Environmental health")
        case .mobility: Text("Transports et mobilité", "Transport and mobility")
        case .rights: Text("Droits des patients", "Patients' rights")
        case .disability: Text("Handicap", "Disability")
        case .information: Text("Information en santé", "Health information")
        }
    }

    public static func mask(_ themes: [Theme]) -> Int { themes.reduce(0) { $0 | $1.bit } }
    public static func from(mask: Int) -> [Theme] { allCases.filter { mask & $0.bit != 0 } }
}

