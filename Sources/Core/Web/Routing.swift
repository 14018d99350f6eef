import Vapor

/// A route's path pattern, written once and used both to register the route and to build links.
/// `":territory"` and other `:name` segments are filled in order by `link(_:)`.
public struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    /// The segments, split once: `link` runs for every link of every page.
    let segments: [String]
    public init(_ pattern: String) {
        self.pattern = pattern
        segments = pattern.split(separator: "/").map(String.init)
    }
    public var description: String { pattern }

    public var components: [PathComponent] {
        pattern.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }

    /// The path with each `:parameter` replaced, in order, by the given values (percent-encoded).
    public func link(_ values: any CustomStringConvertible...) -> String {
        var remaining = values.makeIterator()
        var out = ""
        out.reserveCapacity(pattern.utf8.count + 16)
        for segment in segments {
            out += "/"
            if segment.utf8.first == UInt8(ascii: ":") {
                out += Self.encode(remaining.next()?.description ?? "")
            } else {
                out += segment
            }
        }
        return out.isEmpty ? "/" : out
    }

    static let segmentAllowed = CharacterSet.urlPathAllowed.subtracting(["/"])

    /// Slugs and ids (the usual values) pass as they are; anything else is percent-encoded.
    static func encode(_ value: String) -> String {
        let plain = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F
        }
        if plain { return value }
        return value.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? value
    }
}

/// Registers routes together with what they require; every route goes through here.
public struct RouteRegistrar: Sendable {
    let app: Application
    public init(app: Application) { self.app = app }

    public typealias Handler = @Sendable (Request) async throws -> Response

    public func get(_ pattern: RoutePattern, access: Access, use handler: @escaping Handler) {
        on(.GET, pattern, access: access, use: handler)
    }

    /// A form: `maxBody` raises the size limit for forms that carry files (default 2 MB).
    public func post(_ pattern: RoutePattern, access: Access, maxBody: ByteCount? = nil, use handler: @escaping Handler)
    {
        on(.POST, pattern, access: access, maxBody: maxBody, use: handler)
    }

    /// The handler of a territory route: given the territory of the path, resolved by the gate.
    public typealias ScopedHandler = @Sendable (Request, TerritoryScope) async throws -> Response
    /// The handler of a territory route that requires a signed-in person: territory and person given.
    public typealias MemberHandler = @Sendable (Request, MemberScope) async throws -> Response

    /// A territory page: `pattern` holds `:territory`, and the handler receives its scope.
    public func get(_ pattern: RoutePattern, access: Access, scoped handler: @escaping ScopedHandler) {
        on(.GET, Self.territorial(pattern), access: access) { request in try await handler(request, request.scope()) }
    }

    /// A territory form, its handler given the scope (see `get(_:access:scoped:)`).
    public func post(
        _ pattern: RoutePattern, access: Access, maxBody: ByteCount? = nil, scoped handler: @escaping ScopedHandler
    ) {
        on(.POST, Self.territorial(pattern), access: access, maxBody: maxBody) { request in
            try await handler(request, request.scope())
        }
    }

    /// A territory page for signed-in people only (`access` is `.signedIn` or `.territory`): the
    /// handler receives the territory and the person, never missing.
    public func get(_ pattern: RoutePattern, access: Access, member handler: @escaping MemberHandler) {
        on(.GET, Self.territorial(pattern), access: Self.requiringPerson(access)) { request in
            try await handler(request, request.memberScope())
        }
    }

    /// A territory form for signed-in people only (see `get(_:access:member:)`).
    public func post(
        _ pattern: RoutePattern, access: Access, maxBody: ByteCount? = nil, member handler: @escaping MemberHandler
    ) {
        on(.POST, Self.territorial(pattern), access: Self.requiringPerson(access), maxBody: maxBody) { request in
            try await handler(request, request.memberScope())
        }
    }

    /// A scoped route outside a territory is a programming error, caught when the routes are built.
    static func territorial(_ pattern: RoutePattern) -> RoutePattern {
        precondition(pattern.segments.contains(":territory"), "\(pattern) has no :territory segment")
        return pattern
    }

    static func requiringPerson(_ access: Access) -> Access {
        switch access {
        case .signedIn, .territory: return access
        default: preconditionFailure("a member route requires .signedIn or .territory, not \(access)")
        }
    }

    /// A page: the whole `PagePipeline` (visit, CSRF, access, error pages) around the handler.
    public func on(
        _ method: HTTPMethod, _ pattern: RoutePattern, access: Access, maxBody: ByteCount? = nil,
        use handler: @escaping Handler
    ) {
        app.agora.catalog.add(.init(method: method, path: pattern.pattern, access: access))
        app.on(method, pattern.components, body: maxBody.map { .collect(maxSize: $0) } ?? .collect) {
            request async -> Response in
            await PagePipeline.respond(to: request, access: access, handler: handler)
        }
    }

    /// A WebSocket: the opening GET goes through the same `PagePipeline` as a page (visit,
    /// access; a refusal is an error page, not an upgrade), and is recorded in the catalogue.
    public func webSocket(
        _ pattern: RoutePattern, access: Access, onUpgrade: @escaping @Sendable (Request, WebSocket) async -> Void
    ) {
        app.agora.catalog.add(.init(method: .GET, path: pattern.pattern, access: access))
        app.on(.GET, pattern.components) { request async -> Response in
            await PagePipeline.respond(to: request, access: access) { request in
                // A page of another site must not open a socket with the visitor's cookies.
                guard
                    SameOrigin.allows(
                        origin: request.headers.first(name: .origin), host: request.headers.first(name: .host),
                        baseURL: request.agora.config.baseURL)
                else { throw Abort(.forbidden) }
                return request.webSocket(onUpgrade: onUpgrade)
            }
        }
    }

    /// A constant route open to everyone (health check, static files): no visit, no cookie, no
    /// database, no task — it answers on the event loop.
    public func constant(_ pattern: RoutePattern, use handler: @escaping @Sendable (Request) -> Response) {
        app.agora.catalog.add(.init(method: .GET, path: pattern.pattern, access: .everyone))
        app.on(.GET, pattern.components) { request -> Response in handler(request) }
    }
}

/// Resolves the territory of the path and enforces the route's `Access`: nil to go on, a
/// response (a redirect) to answer instead, or an error (403, 404) to refuse.
enum AccessGate {
    static func check(_ request: Request, access: Access) async throws -> Response? {
        if let slug = request.parameters.get("territory") {
            guard let territory = try await request.agora.territories.find(slug: slug) else {
                throw Abort(.notFound)
            }
            request.visit.territory = territory
        }
        let visit = request.visit
        switch access {
        case .guestsOnly where visit.viewer != nil:
            return request.redirect(to: "/compte")
        case .devOnly where !request.agora.config.showsDevOutbox:
            throw Abort(.notFound)
        case .signedIn, .territory:
            if visit.viewer == nil {
                if request.method == .GET {
                    return request.redirect(
                        to: LoginLink.to(request.url.string),
                        flash: Flash(
                            .info, visit.t("Connectez-vous pour accéder à cette page.", "Log in to see this page.")))
                }
                throw Abort(.unauthorized)
            }
        default:
            break
        }
        guard
            access.allows(
                signedIn: visit.viewer != nil, rolesHere: visit.rolesHere,
                devAllowed: request.agora.config.showsDevOutbox)
        else {
            throw Abort(.forbidden)
        }
        return nil
    }
}

/// The login page, with where to come back afterwards: the one place its address is written
/// for the other rooms (Accounts registers the page itself).
public enum LoginLink {
    public static let path = "/connexion"
    public static func to(_ next: String) -> String {
        let encoded =
            next.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "=", "?", "+"])) ?? "/"
        return path + "?suivant=" + encoded
    }
}

/// Whether a WebSocket's `Origin` is this site: the configured base URL's origin, or the host the
/// request was sent to. Browsers always send `Origin` with a WebSocket; a request without one
/// comes from no web page (a command-line client), and may pass.
public enum SameOrigin {
    public static func allows(origin: String?, host: String?, baseURL: String) -> Bool {
        guard let origin else { return true }
        guard let parsed = URLComponents(string: origin), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let originHost = parsed.host?.lowercased(), parsed.path.isEmpty
        else { return false }
        let authority = parsed.port.map { "\(originHost):\($0)" } ?? originHost
        if let base = URLComponents(string: baseURL), let baseHost = base.host?.lowercased(),
            base.scheme?.lowercased() == scheme
        {
            let baseAuthority = base.port.map { "\(baseHost):\($0)" } ?? baseHost
            if baseAuthority == authority { return true }
        }
        return host?.lowercased() == authority
    }
}
