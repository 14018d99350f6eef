import Vapor

/// What every page request goes through, in one async function so that a request costs one
/// task, not one per layer (each `AsyncMiddleware` is a task of its own: measured in
/// docs/PERFORMANCE.md). It builds the `Visit` (language, viewer, CSRF token, flash), checks the
/// CSRF token of every state-changing request, enforces the route's `Access`, runs the handler,
/// turns every error into a French (or English) page, and writes the cookies that changed.
public enum PagePipeline {
    public typealias Handler = @Sendable (Request) async throws -> Response

    static let unsafeMethods: Set<String> = ["POST", "PUT", "PATCH", "DELETE"]

    public static func respond(to request: Request, access: Access, handler: Handler) async -> Response {
        let services = request.agora
        let langQuery = request.url.query?.contains("lang=") == true ? request.queryFields()["lang"] : nil
        let lang = Lang.negotiate(
            query: langQuery,
            cookie: request.cookies[CookieName.lang]?.string,
            acceptLanguage: request.headers.first(name: .acceptLanguage)
        )
        // The CSRF seed lives in a cookie; the token in forms is its signature (signed double submit).
        let existingSeed = request.cookies[CookieName.csrf].map(\.string).flatMap {
            (32...64).contains($0.count) ? $0 : nil
        }
        let seed = existingSeed ?? Tokens.random()
        let flashCookie = request.cookies[CookieName.flash].map(\.string)
        let flash =
            flashCookie
            .flatMap { services.signer.unseal($0, purpose: "flash") }
            .flatMap(Flash.init(encoded:))

        func makeVisit(viewer: Viewer?) -> Visit {
            Visit(
                lang: lang, viewer: viewer, territory: nil,
                csrfToken: services.signer.signature(seed, purpose: "csrf"), flash: flash,
                path: request.url.path, query: request.url.query)
        }
        request.visit = makeVisit(viewer: nil)

        var clearSession = false
        var response: Response
        do {
            if let token = request.cookies[CookieName.session]?.string, !token.isEmpty,
                let resolver = services.viewerResolver
            {
                let viewer = try await resolver.viewer(sessionToken: token, request: request)
                clearSession = viewer == nil
                request.visit = makeVisit(viewer: viewer)
            }
            if Self.unsafeMethods.contains(request.method.rawValue) {
                try await Self.verifyCSRF(request, seed: existingSeed, signer: services.signer)
            }
            if let early = try await AccessGate.check(request, access: access) {
                response = early
            } else {
                response = try await handler(request)
            }
        } catch {
            response = ErrorPages.response(for: error, request: request)
        }

        let secure = services.config.secureCookies
        if existingSeed == nil || request.renewsCSRF {
            // A new seed when a session begins: a token read before logging in is worth nothing after.
            let fresh = request.renewsCSRF ? Tokens.random() : seed
            response.cookies[CookieName.csrf] = .init(
                string: fresh, maxAge: 60 * 60 * 24 * 30, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
        }
        if let query = langQuery, Lang(rawValue: query) != nil {
            response.cookies[CookieName.lang] = .init(
                string: query, maxAge: 60 * 60 * 24 * 365, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax
            )
        }
        if let pending = request.pendingFlash {
            response.cookies[CookieName.flash] = .init(
                string: services.signer.seal(pending.encoded, purpose: "flash"), maxAge: 300, path: "/",
                isSecure: secure, isHTTPOnly: true, sameSite: .lax)
        } else if flashCookie != nil {
            response.cookies[CookieName.flash] = .expired
        }
        if clearSession, response.cookies[CookieName.session] == nil {
            response.cookies[CookieName.session] = .expired
        }
        return response
    }

    static func verifyCSRF(_ request: Request, seed: String?, signer: Signer) async throws {
        var submitted = request.headers.first(name: "X-CSRF-Token")
        if submitted == nil {
            _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
            submitted = request.urlEncodedField("_csrf") ?? (try? request.content.get(String.self, at: "_csrf"))
        }
        guard let seed, let submitted, signer.verify(seed, signature: submitted, purpose: "csrf") else {
            throw CSRFError()
        }
    }
}

/// A state-changing request whose CSRF token is missing or wrong.
public struct CSRFError: AbortError {
    public init() {}
    public var status: HTTPResponseStatus { .forbidden }
    public var reason: String { "CSRF token missing or invalid" }
}

extension Flash {
    var encoded: String { kind.rawValue + "\n" + message }
    init?(encoded: String) {
        let parts = encoded.split(separator: "\n", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = Kind(rawValue: parts[0]) else { return nil }
        self.init(kind, parts[1])
    }
}

/// Errors raised before any route runs (no route for this path, a body too large…) become the
/// same pages as the others, through the page pipeline. Successful requests pay nothing here.
public struct ErrorPageMiddleware: Middleware {
    public init() {}
    public func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapError { error in
            let promise = request.eventLoop.makePromise(of: Response.self)
            promise.completeWithTask {
                await PagePipeline.respond(to: request, access: .everyone) { _ in throw error }
            }
            return promise.futureResult
        }
    }
}
