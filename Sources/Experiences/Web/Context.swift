import Core
import Fluent
import SQLKit
import Vapor

/// A call as one visitor sees it: who they are for this call (organiser, reviewer, may answer).
struct CallContext: Sendable {
    let call: CallRecord
    let territory: TerritoryInfo?
    let viewerID: Int?
    let rolesThere: Set<Role>
    let organises: Bool
    let reviews: Bool
    let mayAnswer: Bool
    var seesFigures: Bool { ExperiencesPolicy.seesFigures(organises: organises, rolesInCallTerritory: rolesThere) }

    /// The call of the URL (404 for an unknown or tampered id), with the viewer's rights: one
    /// query for the call, one for the viewer's rights when signed in.
    static func load(_ req: Request) async throws -> CallContext {
        guard let id = Slug.id(req.parameters.get("call")), let call = try await ExperienceStore.call(id, on: req.db)
        else { throw Abort(.notFound) }
        let territory = call.territory_id.flatMap { req.agora.territories.find(id: $0) }
        let viewer = req.visit.viewer
        let roles = call.territory_id.flatMap { viewer?.roles(in: $0) } ?? []
        var nationalOrganiser = false, reviewer = false
        if let viewer {
            struct Row: Decodable { let organiser: Int; let reviewer: Int }
            let row = try await req.db.sql.raw(
                """
                SELECT (SELECT count(*) FROM experience_organisers WHERE person_id = \(bind: viewer.personID)) AS organiser,
                       (SELECT count(*) FROM experience_reviewers WHERE call_id = \(bind: id) AND person_id = \(bind: viewer.personID)) AS reviewer
                """
            ).first(decoding: Row.self)
            nationalOrganiser = (row?.organiser ?? 0) > 0
            reviewer = (row?.reviewer ?? 0) > 0
        }
        let organises =
            viewer != nil
            && ExperiencesPolicy.organises(
                national: call.isNational, isNationalOrganiser: nationalOrganiser, rolesInCallTerritory: roles)
        return CallContext(
            call: call, territory: territory, viewerID: viewer?.personID, rolesThere: roles, organises: organises,
            reviews: reviewer,
            mayAnswer: viewer != nil
                && ExperiencesPolicy.mayAnswer(
                    audience: call.audience, national: call.isNational, rolesInCallTerritory: roles)
        )
    }

    var scopeName: Text {
        territory.map { Text("Appel local · \($0.name)", "Local call · \($0.name)") }
            ?? Text("Appel national", "National call")
    }
}

/// A submission as one visitor sees it, with its call.
struct SubmissionContext: Sendable {
    let call: CallContext
    let record: ExperienceRecord
    let authors: [(id: Int, name: String, email: String?)]
    var isAuthor: Bool { call.viewerID.map { id in authors.contains { $0.id == id } } ?? false }
    var status: ExperienceStatus { record.status }

    /// The submission of the URL in the call of the URL; 404 for anyone who may not see it
    /// (authors always; reviewers and organisers once it is sent).
    static func load(_ req: Request) async throws -> SubmissionContext {
        let call = try await CallContext.load(req)
        guard let id = Slug.id(req.parameters.get("submission")),
            let record = try await ExperienceStore.experience(id, on: req.db),
            record.call_id == call.call.id
        else { throw Abort(.notFound) }
        let authors = try await ExperienceStore.authors(of: id, on: req.db)
        let context = SubmissionContext(call: call, record: record, authors: authors)
        let staff = (call.organises || call.reviews) && context.status != .draft
        guard context.isAuthor || staff else { throw Abort(.notFound) }
        return context
    }
}

enum ExperiencesPages {
    /// A write the catalogue may show: in one transaction with the bump of its version, then
    /// this instance's catalogue is marked stale (others see the bump within a second).
    @discardableResult
    static func write<T: Sendable>(
        _ req: Request, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        let result = try await req.db.transaction { db in
            let value = try await body(db)
            try await ExperienceStore.bump(on: db)
            return value
        }
        req.application.experienceCatalogue.invalidate()
        return result
    }

    /// The e-mail addresses of a submission's authors.
    static func authorEmails(_ context: SubmissionContext) -> [String] { context.authors.compactMap(\.email) }

    static func absolute(_ req: Request, _ path: String) -> String { req.agora.config.baseURL + path }

    /// "12 Ko", "1,4 Mo".
    static func size(_ bytes: Int, lang: Lang) -> String {
        if bytes < 1024 * 1024 { return "\(max(1, bytes / 1024)) \(lang == .fr ? "Ko" : "KB")" }
        let mb = Double(bytes) / 1024 / 1024
        let text = String(format: "%.1f", mb)
        return (lang == .fr ? text.replacingOccurrences(of: ".", with: ",") : text) + (lang == .fr ? " Mo" : " MB")
    }
}
