import Accounts
import App
import Core
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Runs a test against a fresh, migrated application loaded with the demo: SQLite in a temporary
/// file by default, or a PostgreSQL schema of its own when AGORA_TEST_DATABASE_URL is set.
func withDemoApp(
    configure extra: (inout AppConfig) -> Void = { _ in }, clock: any WallClock = SystemClock(),
    _ body: (Application) async throws -> Void
) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agora-test-\(UUID().uuidString)").path
    var config = AppConfig(
        mode: .testing, dataDirectory: folder, secretKey: String(repeating: "s", count: 40),
        bcryptCost: 4, loginLimit: 5, signupLimit: 50, devOutbox: true)
    extra(&config)
    let postgresURL = ProcessInfo.processInfo.environment["AGORA_TEST_DATABASE_URL"]
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    let choice: DatabaseChoice =
        postgresURL.map { .postgresSchema($0, schema: String(schema)) } ?? .sqliteFile(folder + "/test.sqlite")
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    do {
        try await configure(app, config: config, database: choice, clock: clock)
        if postgresURL != nil, let sql = app.db as? any SQLDatabase {
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: String(schema))").run()
        }
        try await app.asyncBoot()
        for module in app.featureModules { _ = try await module.loadDemo(on: app) }
        try await app.agora.territories.reload()
        try await body(app)
    } catch {
        try? await dropSchema(app, postgresURL != nil ? String(schema) : nil)
        try? await app.asyncShutdown()
        try? FileManager.default.removeItem(atPath: folder)
        throw error
    }
    try? await dropSchema(app, postgresURL != nil ? String(schema) : nil)
    try await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: folder)
}

private func dropSchema(_ app: Application, _ schema: String?) async throws {
    guard let schema, let sql = app.db as? any SQLDatabase else { return }
    try await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
}

func publicDirectory() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Public").standardized.path
}

/// A browser-like client: keeps cookies, reads the CSRF token from the last page, follows nothing.
final class Browser: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var lastBody = ""
    var lastStatus: HTTPStatus = .ok
    var lastHeaders = HTTPHeaders()

    init(_ app: Application) { self.app = app }

    var csrf: String? {
        guard let range = lastBody.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = lastBody[range.upperBound...]
        return rest.prefix { $0 != "\"" }.description
    }

    /// The single-use form token of the last page's answering form (`_jeton`), if it has one.
    var formToken: String? {
        guard let range = lastBody.range(of: "name=\"_jeton\" value=\"") else { return nil }
        return lastBody[range.upperBound...].prefix { $0 != "\"" }.description
    }

    @discardableResult
    func get(_ path: String) async throws -> String {
        try await send(.GET, path, form: nil)
        return lastBody
    }

    /// Posts a form with the CSRF token of the last page (unless `csrf` is given).
    @discardableResult
    func post(_ path: String, _ form: [String: String], csrf token: String? = nil) async throws -> String {
        var fields = form
        if fields["_csrf"] == nil { fields["_csrf"] = token ?? csrf ?? "" }
        // As a browser does: the hidden single-use token of the form just read goes with it.
        if fields["_jeton"] == nil, let formToken { fields["_jeton"] = formToken }
        try await send(.POST, path, form: fields)
        return lastBody
    }

    /// Posts a URL-encoded form whose names may repeat (checkboxes `NAME[]`), with the CSRF token of the last page.
    @discardableResult
    func postPairs(_ path: String, _ pairs: [(String, String)]) async throws -> String {
        var components = URLComponents()
        let token = pairs.contains { $0.0 == "_jeton" } ? [] : formToken.map { [("_jeton", $0)] } ?? []
        components.queryItems = ([("_csrf", csrf ?? "")] + token + pairs).map {
            URLQueryItem(name: $0.0, value: $0.1)
        }
        let body = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        try await send(.POST, path, form: nil) { req in
            req.headers.contentType = .urlEncodedForm
            req.body = ByteBuffer(string: body)
        }
        return lastBody
    }

    /// Posts a multipart form (repeated names allowed, and files), with the CSRF token of the last page.
    @discardableResult
    func postMultipart(
        _ path: String, _ fields: [(String, String)], files: [(name: String, filename: String, bytes: [UInt8])] = []
    ) async throws -> String {
        let boundary = "----agora-test-boundary"
        var body = ByteBuffer()
        for (name, value) in [("_csrf", csrf ?? "")] + fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for file in files {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        let payload = body
        try await send(.POST, path, form: nil) { req in
            req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            req.body = payload
        }
        return lastBody
    }

    func send(
        _ method: HTTPMethod, _ path: String, form: [String: String]?,
        prepare: (@Sendable (inout TestingHTTPRequest) throws -> Void)? = nil
    ) async throws {
        try await app.testing().test(
            method, path,
            beforeRequest: { req in
                try prepare?(&req)
                if !self.cookies.isEmpty {
                    req.headers.replaceOrAdd(
                        name: .cookie, value: self.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
                }
                if let form {
                    var components = URLComponents()
                    components.queryItems = form.map { URLQueryItem(name: $0.key, value: $0.value) }
                    let body = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
                    req.headers.contentType = .urlEncodedForm
                    req.body = ByteBuffer(string: body)
                }
            },
            afterResponse: { res in
                self.lastStatus = res.status
                self.lastHeaders = res.headers
                self.lastBody = res.body.string
                for header in res.headers[.setCookie] {
                    let pair = header.split(separator: ";").first.map(String.init) ?? ""
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { continue }
                    if header.contains("Max-Age=0") || header.lowercased().contains("expires=thu, 01 jan 1970")
                        || parts[1].isEmpty
                    {
                        self.cookies.removeValue(forKey: parts[0])
                    } else {
                        self.cookies[parts[0]] = parts[1]
                    }
                }
            })
    }

    var location: String? { lastHeaders.first(name: .location) }

    func login(_ email: String, password: String = AccountsDemo.password) async throws {
        try await get("/connexion")
        try await post("/connexion", ["email": email, "password": password])
        #expect(lastStatus == .seeOther, "login of \(email) failed: \(lastStatus)")
    }
}

/// The newest mail in the outbox for an address, and the first link in it starting with `prefix`.
func lastLink(to recipient: String, prefix: String, on db: any Database) async throws -> String? {
    guard
        let mail = try await OutboxMail.query(on: db).filter(\.$recipient == recipient).sort(\.$id, .descending).first()
    else { return nil }
    guard let range = mail.body.range(of: prefix) else { return nil }
    let link = mail.body[range.lowerBound...].prefix { !$0.isWhitespace }
    return String(link)
}

func count<M: Model>(_ model: M.Type, on db: any Database) async throws -> Int { try await M.query(on: db).count() }
