@_exported import Stats

/// A territory as every page sees it: read from an in-memory directory, not from the database
/// on each request.
public struct TerritoryInfo: Sendable, Equatable {
    public let id: Int
    public let slug: String
    public let name: String
    public let epciSiren: String?
    public let communes: [CommuneInfo]
    /// The territory's theme list (the platform's themes as renamed or hidden here, and its own).
    public let themes: ThemeList
    /// The disclosure control of every figure published about this territory: nothing about fewer
    /// than 5 people by default, 11 when the territory follows the health-data bodies' rule.
    public let disclosure: Disclosure

    public init(
        id: Int, slug: String, name: String, epciSiren: String?, communes: [CommuneInfo], themes: ThemeList = .builtin,
        disclosure: Disclosure = .standard
    ) {
        self.id = id; self.slug = slug; self.name = name; self.epciSiren = epciSiren; self.themes = themes
        self.disclosure = disclosure
        self.communes = communes.sorted {
            $0.name.compare($1.name, locale: .init(identifier: "fr_FR")) == .orderedAscending
        }
    }

    public var population: Int { communes.reduce(0) { $0 + $1.population } }
    public func commune(code: String) -> CommuneInfo? { communes.first { $0.code == code } }
    public func commune(id: Int) -> CommuneInfo? { communes.first { $0.id == id } }
}

public struct CommuneInfo: Sendable, Equatable {
    public let id: Int
    public let code: String
    public let name: String
    public let postalCodes: [String]
    public let population: Int
    public init(id: Int, code: String, name: String, postalCodes: [String], population: Int) {
        self.id = id; self.code = code; self.name = name; self.postalCodes = postalCodes; self.population = population
    }
}

/// Path segments a territory slug may not take, because top-level pages live there.
public enum ReservedSlugs {
    public static let all: Set<String> = [
        "static", "healthz", "connexion", "inscription", "deconnexion", "confirmer", "compte",
        "mot-de-passe-oublie", "reinitialiser", "lien-de-connexion", "lien", "accessibilite",
        "mentions-legales", "confidentialite", "conditions", "dev", "api", "admin", "territoires",
        "appels", "experiences", "coauteurs",  // the experiences room's national pages
        "participer", "direct",  // joining a live workshop with its code, and the projector's WebSocket
    ]

    /// Lowercase letters, digits and hyphens, 2 to 40 characters, not reserved.
    public static func isAcceptable(_ slug: String) -> Bool {
        guard (2...40).contains(slug.count), !all.contains(slug), !slug.hasPrefix("-"), !slug.hasSuffix("-") else {
            return false
        }
        return slug.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

import Foundation
