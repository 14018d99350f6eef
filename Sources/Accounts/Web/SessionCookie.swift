import Core
import Vapor

extension Request {
    /// The person visiting, as the use cases see them: outside a territory they hold no role
    /// (`rolesHere` is empty), inside one the roles they hold there.
    var visitor: Actor {
        let visit = self.visit
        return Actor(
            personID: visit.viewer?.personID, name: visit.viewer?.displayName, email: visit.viewer?.email,
            roles: visit.rolesHere, lang: visit.lang)
    }

    /// The token of the session cookie the request came with.
    var sessionToken: String? { cookies[CookieName.session]?.string }

    /// Gives the browser the cookie of a new session.
    func setSession(_ token: String, on response: Response) {
        renewCSRF()
        response.cookies[CookieName.session] = .init(
            string: token, maxAge: Int(Sessions.lifetime), path: "/", isSecure: agora.config.secureCookies,
            isHTTPOnly: true, sameSite: .lax)
    }
}
