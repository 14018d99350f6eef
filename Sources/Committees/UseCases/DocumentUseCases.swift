import Core
import Fluent
import Foundation

/// A document as sent: its title, the meeting it is for (typed, may be empty), and the file.
struct DocumentUpload: Sendable {
    var title: String
    var meeting: String
    /// The file's bytes and name; nil when no file (or an empty one) was sent.
    var file: (bytes: [UInt8], name: String)?
}

/// What became of a document sent.
enum UploadOutcome: Sendable, Equatable {
    case added(fileName: String)
    /// The title is missing, or the file is missing, too large or not a PDF, JPEG or PNG.
    case invalid(FormErrors)
    /// Only members in office and the staff add documents.
    case forbidden
    /// The meeting chosen is not one of this committee's.
    case notFound
}

/// Adding a working document to a committee (optionally to one of its meetings), checked by its
/// content (PDF, JPEG, PNG, 5 MB); readable by the members only; in the audit trail.
enum UploadDocument {
    static func run(
        _ upload: DocumentUpload, committee: Committee, territory: TerritoryInfo, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> UploadOutcome {
        let committeeID = try committee.requireID()
        guard try await CommitteesPolicy.mayDraft(actor, committeeID: committeeID, env: env) else { return .forbidden }
        guard committee.territoryID == territory.id else { return .notFound }
        var errors = FormErrors()
        let title = TextRule.required(
            ["title": upload.title], "title", maxLength: 160, errors: &errors, lang: actor.lang,
            missing: Text("Donnez un titre au document.", "Give the document a title."))
        var meetingID: Int?
        if !upload.meeting.isEmpty {
            guard let id = Int(upload.meeting),
                let meeting = try await MeetingStore.meeting(id, committeeID: committeeID, on: env.db)
            else { return .notFound }
            meetingID = try meeting.requireID()
        }
        var checked: (kind: AttachmentCheck.Kind, name: String)?
        if let file = upload.file, !file.bytes.isEmpty {
            switch AttachmentCheck.check(file.bytes, filename: file.name) {
            case .success(let value): checked = value
            case .failure(let refusal): errors.add("file", actor.t(refusal.message))
            }
        } else {
            errors.add("file", actor.t(Text("Choisissez le fichier à ajouter.", "Choose the file to add.")))
        }
        guard errors.isEmpty, let checked, let bytes = upload.file?.bytes else { return .invalid(errors) }
        let now = env.now
        let target = meetingID
        try await env.db.transaction { db in
            try await DocumentStore.insert(
                committeeID: committeeID, meetingID: target, title: title, fileName: checked.name,
                fileType: checked.kind.rawValue, bytes: Data(bytes), uploadedBy: actor.personID, now: now, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.document.added",
                subject: "committee \(committeeID): \(checked.name)", on: db)
        }
        return .added(fileName: checked.name)
    }
}
