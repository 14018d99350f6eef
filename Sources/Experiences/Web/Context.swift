import Core
import Fluent
import Vapor

extension CallContext {
    /// The call of the URL (404 for an unknown or tampered id), with the viewer's rights: one
    /// query for the call, one for the viewer's rights when signed in.
    static func load(_ req: Request) async throws -> CallContext {
        guard let id = Slug.id(req.parameters.get("call")), let call = try await ExperienceStore.call(id, on: req.db)
        else { throw Abort(.notFound) }
        let territory = call.territory_id.flatMap { req.agora.territories.find(id: $0) }
        let visit = req.visit
        let viewer = visit.viewer
        let actor = Actor(
            personID: viewer?.personID, name: viewer?.displayName, email: viewer?.email,
            roles: call.territory_id.flatMap { viewer?.roles(in: $0) } ?? [], lang: visit.lang)
        return try await load(call, territory: territory, actor: actor, on: req.db)
    }
}

extension SubmissionContext {
    /// The submission of the URL in the call of the URL; 404 for anyone who may not see it
    /// (authors always; reviewers and organisers once it is sent).
    static func load(_ req: Request) async throws -> SubmissionContext {
        let call = try await CallContext.load(req)
        guard let id = Slug.id(req.parameters.get("submission")),
            let context = try await load(id, in: call, on: req.db), context.allows(.see)
        else { throw Abort(.notFound) }
        return context
    }
}

enum ExperiencesPages {
    /// After a write the catalogue shows (`UseCaseEnvironment.catalogueWrite`): this instance's
    /// catalogue is marked stale.
    static func changed(_ req: Request) { req.application.experienceCatalogue.invalidate() }

    static func absolute(_ req: Request, _ path: String) -> String { req.agora.config.baseURL + path }

    /// "12 Ko", "1,4 Mo".
    static func size(_ bytes: Int, lang: Lang) -> String {
        if bytes < 1024 * 1024 { return "\(max(1, bytes / 1024)) \(lang == .fr ? "Ko" : "KB")" }
        let mb = Double(bytes) / 1024 / 1024
        let text = String(format: "%.1f", mb)
        return (lang == .fr ? text.replacingOccurrences(of: ".", with: ",") : text) + (lang == .fr ? " Mo" : " MB")
    }
}
