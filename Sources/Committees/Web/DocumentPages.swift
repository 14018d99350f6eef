import Core
import Fluent
import Vapor

/// Working documents of a committee: uploaded by its members or the staff, checked by content
/// (PDF, JPEG, PNG, 5 MB), optionally attached to a meeting, readable by members only.
enum DocumentPages {
    static func register(_ router: RouteRegistrar) {
        router.post(CommitteesPaths.documents, access: CommitteePages.members, maxBody: "6mb", scoped: upload)
        router.get(CommitteesPaths.document, access: CommitteePages.members, use: download)
    }

    static func links(_ documents: [ListedDocument], visit: Visit, committeeID: Int) throws -> HTML {
        guard !documents.isEmpty else { return "<p>\(visit.t("Aucun document.", "No document."))</p>" }
        return
            "<ul>\(each: try documents.map { "<li><a href=\"\(CommitteesPaths.document.link((try visit.territoryHere()).slug, committeeID, $0.id))\">\($0.title)</a> · \($0.file_name) · \(DateText.day($0.created_at, lang: visit.lang))</li>" as HTML })</ul>"
    }

    static func uploadForm(
        visit: Visit, committee: Committee, meetings: [Meeting], fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        """
        <h2 id="ajouter-document">\(visit.t("Ajouter un document", "Add a document"))</h2>
        \(Form.open(action: CommitteesPaths.documents.link((try visit.territoryHere()).slug, try committee.requireID()), visit: visit, multipart: true))
        \(Form.input(name: "title", label: visit.t("Titre du document", "Document title"), value: fields["title"], errors: errors, visit: visit, required: true, maxLength: 160))
        \(Form.select(name: "meeting", label: visit.t("Séance concernée (facultatif)", "Meeting (optional)"),
                      options: [Form.Option("", visit.t("Aucune", "None"))] + (try meetings.map { Form.Option(String(try $0.requireID()), DateText.day($0.startsAt, lang: visit.lang)) }),
                      selected: fields["meeting"], errors: errors, visit: visit))
        \(Form.input(name: "file", label: visit.t("Fichier PDF, JPEG ou PNG (5 Mo au plus)", "PDF, JPEG or PNG file (5 MB at most)"), value: nil, errors: errors, visit: visit,
                     type: "file", required: true, accept: "application/pdf,image/jpeg,image/png"))
        \(Form.submit(visit.t("Ajouter le document", "Add the document")))
        </form>
        """
    }

    struct Upload: Decodable { var title: String?; var meeting: String?; var file: File? }

    @Sendable static func upload(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let visit = scope.visit
        let committee = try await CommitteeContext.committee(req)
        let form = (try? req.content.decode(Upload.self)) ?? Upload()
        let fields = ["title": form.title ?? "", "meeting": form.meeting ?? ""]
        let file = form.file.flatMap { file in
            file.data.readableBytes > 0 ? (bytes: Array(file.data.readableBytesView), name: file.filename) : nil
        }
        let outcome = try await UploadDocument.run(
            DocumentUpload(title: form.title ?? "", meeting: form.meeting ?? "", file: file), committee: committee,
            territory: scope.territory, actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .added:
            return req.redirect(
                to: CommitteesPaths.space.link(scope.territory.slug, try committee.requireID()),
                flash: Flash(
                    .success,
                    visit.t(
                        "Document ajouté. Seuls les membres peuvent le lire.",
                        "Document added. Only members can read it.")))
        case .invalid(let errors):
            return req.render(
                try await CommitteePages.spacePage(
                    req, committee: committee, fields: fields, errors: errors, status: .unprocessableEntity))
        case .forbidden: throw StrategyPages.forbiddenToDraft(visit)
        case .notFound: throw Abort(.notFound)
        }
    }

    @Sendable static func download(_ req: Request) async throws -> Response {
        let committee = try await CommitteeContext.committee(req)
        try await StrategyPages.requireDrafter(req, committee: committee)
        guard let id = PathID.parse(req.parameters.get("document")),
            let row = try await DocumentStore.file(id, committeeID: try committee.requireID(), on: req.db)
        else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: row.file_type)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(row.file_name)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(data: row.bytes))
    }
}
