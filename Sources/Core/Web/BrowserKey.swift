import Foundation
import Vapor

/// A random key naming one browser to what it kept for later (a rescued text, a draft), in an
/// HttpOnly cookie: nothing about the person, only that the same browser comes back. A link
/// opened in another browser finds nothing. Used by the Experiences room's `agora_reprise` and
/// the questionnaires' `agora_brouillon`.
public enum BrowserKey {
    /// The key this browser sent in `cookie`, when it looks like one we issued.
    public static func read(_ req: Request, cookie: String) -> String? {
        guard let value = req.cookies[cookie]?.string, (32...64).contains(value.count) else { return nil }
        return value
    }

    /// The key of this browser, or a new one (then `set` it on the response).
    public static func readOrNew(_ req: Request, cookie: String) -> (key: String, isNew: Bool) {
        if let known = read(req, cookie: cookie) { return (known, false) }
        return (Tokens.random(), true)
    }

    /// Sets the cookie on `response`: HttpOnly, SameSite=Lax, Secure behind https.
    public static func set(
        _ response: Response, key: String, cookie: String, path: String, maxAge: Int, req: Request
    ) {
        response.cookies[cookie] = .init(
            string: key, maxAge: maxAge, path: path, isSecure: req.agora.config.secureCookies, isHTTPOnly: true,
            sameSite: .lax)
    }
}
