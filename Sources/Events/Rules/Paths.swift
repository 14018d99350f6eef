import Core

/// Every path of the events room (French slugs, like the other rooms).
public enum EventsPaths {
    public static let agenda = RoutePattern("/:territory/evenements")
    public static let month = RoutePattern("/:territory/evenements/mois")
    public static let feed = RoutePattern("/:territory/evenements.ics")
    public static let new = RoutePattern("/:territory/evenements/nouveau")
    public static let event = RoutePattern("/:territory/evenements/:event")
    public static let ics = RoutePattern("/:territory/evenements/:event/agenda.ics")
    public static let edit = RoutePattern("/:territory/evenements/:event/modifier")
    public static let status = RoutePattern("/:territory/evenements/:event/etat")
    public static let register = RoutePattern("/:territory/evenements/:event/inscription")
    public static let registerOther = RoutePattern("/:territory/evenements/:event/inscrire")
    public static let registrations = RoutePattern("/:territory/evenements/:event/inscrits")
    public static let sheet = RoutePattern("/:territory/evenements/:event/emargement")
    public static let walkIn = RoutePattern("/:territory/evenements/:event/sur-place")
    public static let checkIn = RoutePattern("/:territory/evenements/:event/accueil/:registration/:token")
    public static let checkInByList = RoutePattern("/:territory/evenements/:event/accueil/:registration")
    public static let mine = RoutePattern("/:territory/evenements/inscriptions/:registration/:token")
    public static let after = RoutePattern("/:territory/evenements/:event/apres")
    public static let feedback = RoutePattern("/:territory/evenements/:event/questionnaire")
    public static let documents = RoutePattern("/:territory/evenements/:event/documents")
    public static let document = RoutePattern("/:territory/evenements/:event/documents/:document")
    public static let figures = RoutePattern("/:territory/evenements/:event/chiffres")
    public static let live = RoutePattern("/:territory/evenements/:event/direct")
    public static let liveActivity = RoutePattern("/:territory/evenements/:event/direct/:activity")
    public static let projector = RoutePattern("/:territory/evenements/:event/projection")
    public static let join = RoutePattern("/participer")
    public static let territoryJoin = RoutePattern("/:territory/participer")
    public static let participate = RoutePattern("/participer/:code")
    public static let contribute = RoutePattern("/participer/:code/:activity")
    /// The WebSocket of the projector (not a page: registered with `app.webSocket`).
    public static let socket = "/direct/:code/ws"
}
