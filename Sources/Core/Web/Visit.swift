import Vapor

/// One visit to a page: who is asking, in which language and territory, with which CSRF token
/// and pending flash message. Built once per request by `PagePipeline`.
public struct Visit: Sendable {
    public let lang: Lang
    public let viewer: Viewer?
    public var territory: TerritoryInfo?
    public let csrfToken: String
    public let flash: Flash?
    /// Path and query of the request, used by the language switch and login redirects.
    public let path: String
    public let query: String?

    /// A visit as `PagePipeline` builds it; public so that a room's views can be tested without a server.
    public init(
        lang: Lang, viewer: Viewer?, territory: TerritoryInfo?, csrfToken: String, flash: Flash?, path: String,
        query: String?
    ) {
        self.lang = lang; self.viewer = viewer; self.territory = territory; self.csrfToken = csrfToken
        self.flash = flash; self.path = path; self.query = query
    }

    /// The theme list of the visit's territory (the platform's outside a territory).
    public var themes: ThemeList { territory?.themes ?? .builtin }

    public var rolesHere: Set<Role> {
        guard let viewer, let territory else { return [] }
        return viewer.roles(in: territory.id)
    }

    public func t(_ fr: String, _ en: String) -> String { lang == .fr ? fr : en }
    public func t(_ text: Text) -> String { text.in(lang) }

    /// The current page in the other language.
    public var otherLanguageLink: String {
        var items = (query ?? "").split(separator: "&").filter { !$0.hasPrefix("lang=") }.map(String.init)
        items.append("lang=\(lang.other.rawValue)")
        return path + "?" + items.joined(separator: "&")
    }
}

public struct Flash: Sendable, Equatable {
    public enum Kind: String, Sendable { case success, info, error }
    public let kind: Kind
    public let message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
}

extension Request {
    private struct VisitKey: StorageKey { typealias Value = Visit }
    private struct PendingFlashKey: StorageKey { typealias Value = Flash }

    /// The visit, built by `PagePipeline`.
    public var visit: Visit {
        get {
            guard let visit = storage[VisitKey.self] else {
                fatalError("not a page route: register it with RouteRegistrar.on")
            }
            return visit
        }
        set { storage[VisitKey.self] = newValue }
    }
    public var hasVisit: Bool { storage[VisitKey.self] != nil }

    /// Sets a message to show on the next page (after a redirect).
    public func flash(_ kind: Flash.Kind, _ message: String) {
        storage[PendingFlashKey.self] = Flash(kind, message)
    }
    var pendingFlash: Flash? { storage[PendingFlashKey.self] }

    private struct RenewCSRFKey: StorageKey { typealias Value = Bool }
    /// Asks for a new CSRF seed with this response (a session begins: the forms read before are
    /// refused after).
    public func renewCSRF() { storage[RenewCSRFKey.self] = true }
    var renewsCSRF: Bool { storage[RenewCSRFKey.self] ?? false }

    /// The client address, honouring X-Forwarded-For only when the configuration trusts a proxy
    /// (`ClientAddress.resolve`: the address that proxy saw, never one the client wrote).
    public var clientAddress: String {
        ClientAddress.resolve(
            peer: remoteAddress?.ipAddress, forwardedFor: headers[canonicalForm: "X-Forwarded-For"].map(String.init),
            trustProxy: agora.config.trustProxy)
    }
}

/// Which address a request comes from, for the rate limits.
public enum ClientAddress {
    /// Without a trusted proxy, the peer of the connection. Behind one, the **right-most**
    /// X-Forwarded-For entry: a proxy appends the address it saw to whatever the client sent, so
    /// every entry to its left may be forged (a client writing `X-Forwarded-For: 1.2.3.4` must not
    /// get a fresh counter). An entry that is not an IP address is not taken.
    public static func resolve(peer: String?, forwardedFor values: [String], trustProxy: Bool) -> String {
        let connection = peer ?? "unknown"
        guard trustProxy else { return connection }
        let entries = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let last = entries.last, isIPAddress(last) else { return connection }
        return last
    }

    static func isIPAddress(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 45 else { return false }
        let v4 = text.split(separator: ".", omittingEmptySubsequences: false)
        if v4.count == 4, v4.allSatisfy({ part in UInt8(part) != nil && part.count <= 3 }) { return true }
        return text.contains(":")
            && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == ":" || $0 == "." }
    }
}

/// Cookie names, typed once.
public enum CookieName {
    public static let session = "agora_session"
    public static let csrf = "agora_csrf"
    public static let flash = "agora_flash"
    public static let lang = "agora_lang"
}
