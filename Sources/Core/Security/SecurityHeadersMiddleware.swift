import Vapor

/// Security headers on every response, with a strict Content-Security-Policy: scripts and styles
/// only from our own origin, no inline script, no framing.
public struct SecurityHeadersMiddleware: AsyncMiddleware {
    public static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    let https: Bool
    public init(https: Bool) { self.https = https }

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers = SecurityHeadersMiddleware.headers(https: https)
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }

    public static func headers(https: Bool) -> [(String, String)] {
        var headers = [
            ("Content-Security-Policy", contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=()"),
        ]
        if https { headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains")) }
        return headers
    }
}
