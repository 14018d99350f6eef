import Fluent
import SQLKit
import Vapor

/// The one parser of ids in paths: ASCII digits only, at most 18 of them, above zero. "12abc",
/// "+12", "١٢", "0" or "" are no id, and the route answers 404.
public enum PathID {
    public static func parse(_ segment: Substring) -> Int? {
        guard !segment.isEmpty, segment.utf8.count <= 18,
            segment.utf8.allSatisfy({ (48...57).contains($0) }),
            let value = Int(segment), value > 0
        else { return nil }
        return value
    }

    public static func parse(_ segment: String?) -> Int? {
        guard let segment else { return nil }
        return parse(Substring(segment))
    }
}

/// What a territory route's handler is given: the territory of the path (already resolved, so
/// never missing) and the visit. Built by `RouteRegistrar` for every pattern under `:territory`.
public struct TerritoryScope: Sendable {
    public let territory: TerritoryInfo
    public let visit: Visit
    public var viewer: Viewer? { visit.viewer }
    public var roles: Set<Role> { visit.rolesHere }
    public var slug: String { territory.slug }
    public var lang: Lang { visit.lang }
    public func t(_ fr: String, _ en: String) -> String { visit.t(fr, en) }
    public func t(_ text: Text) -> String { visit.t(text) }

    /// The signed-in person, for routes whose `Access` requires one (the gate has checked it;
    /// a route open to everyone that needs a person asks here and gets a 401 without one).
    public func signedIn() throws -> Viewer {
        guard let viewer = visit.viewer else { throw Abort(.unauthorized) }
        return viewer
    }
}

/// What the handler of a territory route open only to signed-in people is given: the territory
/// of the path and the person, neither of them missing (the route's `Access` has checked both).
/// Built by `RouteRegistrar.get(_:access:member:)` and its POST twin.
public struct MemberScope: Sendable {
    public let territory: TerritoryInfo
    public let viewer: Viewer
    public let visit: Visit
    public var roles: Set<Role> { visit.rolesHere }
    public var slug: String { territory.slug }
    public var lang: Lang { visit.lang }
    public var personID: Int { viewer.personID }
    public func t(_ fr: String, _ en: String) -> String { visit.t(fr, en) }
    public func t(_ text: Text) -> String { visit.t(text) }
    /// The same place seen as a territory scope (for code shared with routes open to everyone).
    public var scope: TerritoryScope { TerritoryScope(territory: territory, visit: visit) }
}

extension Request {
    /// The id in the path segment `name`: digits only, else 404 (`PathID`).
    public func pathID(_ name: String) throws -> Int {
        guard let id = PathID.parse(parameters.get(name)) else { throw Abort(.notFound) }
        return id
    }

    /// The territory route's scope: its territory (404 when the path has none) and the visit.
    public func scope() throws -> TerritoryScope {
        guard let territory = visit.territory else { throw Abort(.notFound) }
        return TerritoryScope(territory: territory, visit: visit)
    }

    /// The scope of a territory route that requires a signed-in person (401 without one).
    public func memberScope() throws -> MemberScope {
        guard let territory = visit.territory else { throw Abort(.notFound) }
        guard let viewer = visit.viewer else { throw Abort(.unauthorized) }
        return MemberScope(territory: territory, viewer: viewer, visit: visit)
    }

    /// A refusal with its reason in plain words (and the right status), rather than a bare
    /// error page: the same page in every room.
    public func refusal(
        status: HTTPStatus, title: Text, message: Text, back: String? = nil,
        backLabel: Text = Text("Revenir à la page précédente", "Back to the previous page")
    ) -> Response {
        let visit = self.visit
        let link: HTML = back.map { "<p><a href=\"\($0)\">\(visit.t(backLabel))</a></p>" } ?? .empty
        return render(
            WebPage(
                title: visit.t(title),
                main: "<h1>\(visit.t(title))</h1><p class=\"notice\">\(visit.t(message))</p>\(link)", status: status))
    }
}

extension Database {
    /// The SQL door of a Fluent database (both drivers of the platform are SQL databases).
    public var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            preconditionFailure("Agora Santé runs on SQLite or PostgreSQL, which are SQL databases")
        }
        return sql
    }
}

extension SQLQueryString {
    /// `CASE expression % count WHEN 0 THEN list[0] … END`: picks a value of the list in SQL (the
    /// bench data of several rooms generates rows inside the database with it).
    public static func pick(_ list: [String], _ expression: String) -> SQLQueryString {
        var out: SQLQueryString = "CASE (\(unsafeRaw: expression)) % \(literal: list.count)"
        for (index, value) in list.enumerated() { out = "\(out) WHEN \(literal: index) THEN \(bind: value)" }
        return "\(out) END"
    }
}

extension Visit {
    /// The territory of a territory route (the gate resolved it from the path before the handler
    /// runs); a 404, never a crash, when asked outside one.
    public func territoryHere() throws -> TerritoryInfo {
        guard let territory else { throw Abort(.notFound) }
        return territory
    }

    /// The signed-in person (routes whose `Access` requires one were checked by the gate); a
    /// 401, never a crash, when nobody is.
    public func signedInViewer() throws -> Viewer {
        guard let viewer else { throw Abort(.unauthorized) }
        return viewer
    }
}
