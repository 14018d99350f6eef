import Core

/// Every path of the questionnaires room.
public enum QuestionnairePaths {
    public static let list = RoutePattern("/:territory/questionnaires")
    public static let new = RoutePattern("/:territory/questionnaires/nouveau")
    public static let cross = RoutePattern("/:territory/questionnaires/croisement")
    public static let show = RoutePattern("/:territory/questionnaires/:questionnaire")
    public static let answer = RoutePattern("/:territory/questionnaires/:questionnaire/repondre")
    public static let resume = RoutePattern("/:territory/questionnaires/:questionnaire/reprendre/:token")
    public static let preview = RoutePattern("/:territory/questionnaires/:questionnaire/apercu")
    public static let paper = RoutePattern("/:territory/questionnaires/:questionnaire/papier")
    public static let qr = RoutePattern("/:territory/questionnaires/:questionnaire/qr.svg")
    public static let builder = RoutePattern("/:territory/questionnaires/:questionnaire/construire")
    public static let newQuestion = RoutePattern("/:territory/questionnaires/:questionnaire/questions/nouvelle")
    public static let question = RoutePattern("/:territory/questionnaires/:questionnaire/questions/:question")
    public static let waves = RoutePattern("/:territory/questionnaires/:questionnaire/vagues")
    public static let assisted = RoutePattern("/:territory/questionnaires/:questionnaire/saisie")
    public static let importCSV = RoutePattern("/:territory/questionnaires/:questionnaire/import")
    public static let results = RoutePattern("/:territory/questionnaires/:questionnaire/resultats")
    public static let participation = RoutePattern("/:territory/questionnaires/:questionnaire/participation")
    public static let texts = RoutePattern("/:territory/questionnaires/:questionnaire/textes")
    public static let answersCSV = RoutePattern("/:territory/questionnaires/:questionnaire/reponses.csv")
    public static let answersExcel = RoutePattern("/:territory/questionnaires/:questionnaire/reponses-tableur.csv")
    public static let codebook = RoutePattern("/:territory/questionnaires/:questionnaire/livre-de-codes.csv")
    public static let resultsCSV = RoutePattern("/:territory/questionnaires/:questionnaire/resultats.csv")
}
