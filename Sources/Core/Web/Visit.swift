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

    /// The client address, honouring X-Forwarded-For only when the configuration trusts a proxy.
    public var clientAddress: String {
        if agora.config.trustProxy, let forwarded = headers.first(name: "X-Forwarded-For")?.split(separator: ",").first
        {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }
}

/// Cookie names, typed once.
public enum CookieName {
    public static let session = "agora_session"
    public static let csrf = "agora_csrf"
    public static let flash = "agora_flash"
    public static let lang = "agora_lang"
}
