/// Health professions a professional can declare: the active codes of the ANS nomenclatures
/// TRE_G15-ProfessionSante (professions of the Code de la santé publique) and TRE_R95-UsagerTitre
/// (protected titles), from shared/data/professions_sante.csv. Active codes do not collide.
public struct Profession: Sendable, Equatable {
    public let code: String
    public let label: String
    public let nomenclature: String

    public static let all: [Profession] = [
        Profession(code: "31", label: "Assistant dentaire", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "26", label: "Audioprothésiste", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "73", label: "Chiropracteur", nomenclature: "TRE_R95-UsagerTitre"),
        Profession(code: "40", label: "Chirurgien-Dentiste", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "97", label: "Conseiller en génétique", nomenclature: "TRE_R95-UsagerTitre"),
        Profession(code: "95", label: "Diététicien", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "85", label: "Epithésiste", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "94", label: "Ergothérapeute", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "60", label: "Infirmier", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "69", label: "Infirmier psychiatrique", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "98", label: "Manipulateur ERM", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "70", label: "Masseur-Kinésithérapeute", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "10", label: "Médecin", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "84", label: "Oculariste", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "28", label: "Opticien-Lunetier", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "91", label: "Orthophoniste", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "81", label: "Orthoprothésiste", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "92", label: "Orthoptiste", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "83", label: "Orthopédiste-Orthésiste", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "71", label: "Ostéopathe", nomenclature: "TRE_R95-UsagerTitre"),
        Profession(code: "21", label: "Pharmacien", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "32", label: "Physicien médical", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "82", label: "Podo-Orthésiste", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "93", label: "Psychologue", nomenclature: "TRE_R95-UsagerTitre"),
        Profession(code: "96", label: "Psychomotricien", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "72", label: "Psychothérapeute", nomenclature: "TRE_R95-UsagerTitre"),
        Profession(code: "80", label: "Pédicure-Podologue", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "50", label: "Sage-Femme", nomenclature: "TRE_G15-ProfessionSante"),
        Profession(code: "86", label: "Technicien de laboratoire médical", nomenclature: "TRE_G15-ProfessionSante"),
    ]

    public static func find(_ code: String) -> Profession? { all.first { $0.code == code } }
}
