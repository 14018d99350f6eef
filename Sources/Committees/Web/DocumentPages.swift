import Core
import Fluent
import SQLKit
import Vapor

/// Working documents of a committee: uploaded by its members or the staff, checked by content
/// (PDF, JPEG, PNG, 5 MB), optionally attached to a meeting, readable by members only.
enum DocumentPages {
    static func register(_ router: RouteRegistrar) {
        router.post(CommitteesPaths.documents, access: CommitteePages.members, maxBody: "6mb", use: upload)
        router.get(CommitteesPaths.document, access: CommitteePages.members, use: download)
    }

    struct Listed: Decodable, Sendable {
        let id: Int; let meeting_id: Int?; let title: String; let file_name: String; let created_at: Date
    }

    /// The documents of a committee (or of one meeting), without their bytes: one query.
    static func list(committeeID: Int, meetingID: Int? = nil, on db: any Database) async throws -> [Listed] {
        let sql = db.sql
        if let meetingID {
            return try await sql.raw(
                """
                SELECT id, meeting_id, title, file_name, created_at FROM committee_documents
                WHERE committee_id = \(bind: committeeID) AND meeting_id = \(bind: meetingID) ORDER BY id LIMIT 200
                """
            ).all(decoding: Listed.self)
        }
        return try await sql.raw(
            """
            SELECT id, meeting_id, title, file_name, created_at FROM committee_documents
            WHERE committee_id = \(bind: committeeID) ORDER BY id DESC LIMIT 200
            """
        ).all(decoding: Listed.self)
    }

    static func links(_ documents: [Listed], visit: Visit, committeeID: Int) throws -> HTML {
        guard !documents.isEmpty else { return "<p>\(visit.t("Aucun document.", "No document."))</p>" }
        return
            "<ul>\(each: try documents.map { "<li><a href=\"\(CommitteesPaths.document.link((try visit.territoryHere()).slug, committeeID, $0.id))\">\($0.title)</a> · \($0.file_name) · \(DateText.day($0.created_at, lang: visit.lang))</li>" as HTML })</ul>"
    }

    static func uploadForm(
        visit: Visit, committee: Committee, meetings: [Meeting], fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        """
        <h2 id="ajouter-document">\(visit.t("Ajouter un document", "Add a document"))</h2>
        \(Form.open(action: CommitteesPaths.documents.link((try visit.territoryHere()).slug, committee.id!), visit: visit, multipart: true))
        \(Form.input(name: "title", label: visit.t("Titre du document", "Document title"), value: fields["title"], errors: errors, visit: visit, required: true, maxLength: 160))
        \(Form.select(name: "meeting", label: visit.t("Séance concernée (facultatif)", "Meeting (optional)"),
                      options: [Form.Option("", visit.t("Aucune", "None"))] + meetings.map { Form.Option(String($0.id!), DateText.day($0.startsAt, lang: visit.lang)) },
                      selected: fields["meeting"], errors: errors, visit: visit))
        \(Form.input(name: "file", label: visit.t("Fichier PDF, JPEG ou PNG (5 Mo au plus)", "PDF, JPEG or PNG file (5 MB at most)"), value: nil, errors: errors, visit: visit,
                     type: "file", required: true, accept: "application/pdf,image/jpeg,image/png"))
        \(Form.submit(visit.t("Ajouter le document", "Add the document")))
        </form>
        """
    }

    struct Upload: Decodable { var title: String?; var meeting: String?; var file: File? }

    @Sendable static func upload(_ req: Request) async throws -> Response {
        let visit = req.visit
        let committee = try await CommitteeStore.committee(req)
        try await StrategyPages.requireDrafter(req, committee: committee)
        let form = (try? req.content.decode(Upload.self)) ?? Upload()
        let fields = ["title": form.title ?? "", "meeting": form.meeting ?? ""]
        var errors = FormErrors()
        let title = TextRule.required(
            fields, "title", maxLength: 160, errors: &errors, lang: visit.lang,
            missing: Text("Donnez un titre au document.", "Give the document a title."))
        var meetingID: Int?
        if let raw = form.meeting, !raw.isEmpty {
            guard let id = Int(raw), let meeting = try await Meeting.find(id, on: req.db),
                meeting.committeeID == committee.id
            else { throw Abort(.notFound) }
            meetingID = meeting.id
        }
        var checked: (kind: AttachmentCheck.Kind, name: String)?
        if let file = form.file, file.data.readableBytes > 0 {
            switch AttachmentCheck.check(Array(file.data.readableBytesView), filename: file.filename) {
            case .success(let value): checked = value
            case .failure(let refusal): errors.add("file", visit.t(refusal.message))
            }
        } else {
            errors.add("file", visit.t("Choisissez le fichier à ajouter.", "Choose the file to add."))
        }
        guard errors.isEmpty, let checked, let bytes = form.file.map({ Data($0.data.readableBytesView) }) else {
            return req.render(
                try await CommitteePages.spacePage(
                    req, committee: committee, fields: fields, errors: errors, status: .unprocessableEntity))
        }
        let committeeID = committee.id!
        let uploader = visit.viewer?.personID
        let target = meetingID
        try await req.db.transaction { db in
            try await db.sql.raw(
                """
                INSERT INTO committee_documents (committee_id, meeting_id, title, file_name, file_type, bytes, uploaded_by, created_at)
                VALUES (\(bind: committeeID), \(bind: target), \(bind: title), \(bind: checked.name), \(bind: checked.kind.rawValue), \(bind: bytes), \(bind: uploader), \(bind: Date()))
                """
            ).run()
            try await AuditEntry.record(
                actor: uploader, territory: (try visit.territoryHere()).id, action: "committee.document.added",
                subject: "committee \(committeeID): \(checked.name)", on: db)
        }
        return req.redirect(
            to: CommitteesPaths.space.link((try visit.territoryHere()).slug, committeeID),
            flash: Flash(
                .success,
                visit.t(
                    "Document ajouté. Seuls les membres peuvent le lire.", "Document added. Only members can read it."))
        )
    }

    @Sendable static func download(_ req: Request) async throws -> Response {
        let committee = try await CommitteeStore.committee(req)
        try await StrategyPages.requireDrafter(req, committee: committee)
        struct Row: Decodable { let file_name: String; let file_type: String; let bytes: Data }
        guard let id = PathID.parse(req.parameters.get("document")),
            let row = try await req.db.sql.raw(
                """
                SELECT file_name, file_type, bytes FROM committee_documents WHERE id = \(bind: id) AND committee_id = \(bind: committee.id!)
                """
            ).first(decoding: Row.self)
        else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: row.file_type)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(row.file_name)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(data: row.bytes))
    }
}
