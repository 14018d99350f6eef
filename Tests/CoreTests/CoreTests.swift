import Foundation
import Testing
import Vapor
@testable import Core

@Suite("HTML layer")
struct HTMLTests {
    @Test func interpolatedStringsAreEscaped() {
        let evil = "<script>alert('x')</script> & \"quotes\""
        let html: HTML = "<p title=\"\(evil)\">\(evil)</p>"
        #expect(
            html.rendered
                == "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;</p>"
        )
    }

    @Test func nestedHTMLIsInsertedAsIs() {
        let inner: HTML = "<strong>\("a<b")</strong>"
        let outer: HTML = "<p>\(inner)</p>"
        #expect(outer.rendered == "<p><strong>a&lt;b</strong></p>")
    }

    @Test func frenchNumbersUseNarrowSpaces() {
        #expect(View.number(83737, lang: .fr) == "83\u{202F}737")
        #expect(View.number(1234567, lang: .en) == "1,234,567")
        #expect(View.number(12, lang: .fr) == "12")
    }

    @Test func tableMarksNumericColumnsWithoutEscapingTheAttribute() {
        let table = View.table(caption: "c", headers: ["a", "b"], rows: [["x", "1"]], numericColumns: [1])
        #expect(table.rendered.contains("<td class=\"num\">1</td>"))
        #expect(!table.rendered.contains("&quot;num"))
    }
}

@Suite("Form components")
struct FormTests {
    let visit = Visit(lang: .fr, viewer: nil, territory: nil, csrfToken: "tok", flash: nil, path: "/x", query: nil)

    @Test func errorIsNextToTheFieldAndDescribesIt() {
        var errors = FormErrors()
        errors.add("email", "Adresse invalide")
        let field = Form.input(
            name: "email", label: "Adresse e-mail", value: "a<b", errors: errors, visit: visit, type: "email")
        #expect(field.rendered.contains("<p class=\"field-error\" id=\"champ-email-erreur\">Adresse invalide</p>"))
        #expect(field.rendered.contains("aria-describedby=\"champ-email-erreur\""))
        #expect(field.rendered.contains("aria-invalid=\"true\""))
        #expect(field.rendered.contains("value=\"a&lt;b\""))
    }

    @Test func passwordsAreNeverSentBack() {
        let field = Form.input(
            name: "password", label: "Mot de passe", value: "secret", errors: FormErrors(), visit: visit,
            type: "password")
        #expect(!field.rendered.contains("secret"))
    }

    @Test func summaryLinksToEachField() {
        var errors = FormErrors()
        errors.add("email", "A")
        errors.add("password", "B")
        errors.add("email", "ignored second message")
        let summary = Form.errorSummary(errors, visit: visit).rendered
        #expect(summary.contains("role=\"alert\""))
        #expect(summary.contains("<a href=\"#champ-email\">A</a>"))
        #expect(summary.contains("<a href=\"#champ-password\">B</a>"))
        #expect(!summary.contains("ignored"))
        #expect(Form.errorSummary(FormErrors(), visit: visit).isEmpty)
    }

    @Test func formsCarryTheCSRFToken() {
        #expect(Form.open(action: "/a", visit: visit).rendered.contains("name=\"_csrf\" value=\"tok\""))
    }
}

@Suite("Configuration")
struct ConfigTests {
    @Test func defaultsRunOutOfTheBox() throws {
        let config = try AppConfig.load(from: [:])
        #expect(config.host == "127.0.0.1")
        #expect(config.port == 8080)
        #expect(config.databaseURL == nil)
        #expect(config.sqlitePath.hasSuffix("data/agora.sqlite"))
        #expect(config.baseURL == "http://127.0.0.1:8080")
        #expect(config.smtp == nil)
        #expect(config.mode == .production, "secure by default: development is asked for")
        #expect(!config.showsDevOutbox, "issue #16, attack 4: the outbox shows login links")
        let dev = try AppConfig.load(from: ["AGORA_ENV": "development", "AGORA_DEV_OUTBOX": "true"])
        #expect(dev.showsDevOutbox)
        #expect(!(try AppConfig.load(from: ["AGORA_ENV": "development"])).showsDevOutbox)
        #expect(!(try AppConfig.load(from: ["AGORA_DEV_OUTBOX": "true"])).showsDevOutbox, "never in production")
    }

    @Test func everyBadSettingIsListedAtOnce() {
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.load(from: [:].merging(["AGORA_PORT": "x"]) { $1 }) }
        do {
            _ = try AppConfig.load(from: [
                "AGORA_PORT": "99999", "DATABASE_URL": "mysql://x", "AGORA_BASE_URL": "ftp://a",
                "SMTP_HOST": "mail.example.org", "SMTP_TLS": "maybe", "AGORA_SECRET_KEY": "short",
                "AGORA_ENV": "staging",
            ])
            Issue.record("expected an error")
        } catch let error as AppConfig.Invalid {
            #expect(error.problems.count == 7)
            let text = error.description
            for key in [
                "AGORA_PORT", "DATABASE_URL", "AGORA_BASE_URL", "SMTP_TLS", "SMTP_FROM", "AGORA_SECRET_KEY",
                "AGORA_ENV",
            ] {
                #expect(text.contains(key), "missing \(key)")
            }
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func smtpSettingsAreTyped() throws {
        let config = try AppConfig.load(from: [
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "8025", "SMTP_TLS": "none", "SMTP_FROM": "a@example.org",
        ])
        #expect(config.smtp == AppConfig.SMTP(host: "127.0.0.1", port: 8025, from: "a@example.org", security: .none))
        #expect(!config.showsDevOutbox)
        let production = try AppConfig.load(from: [
            "AGORA_ENV": "production", "AGORA_BASE_URL": "https://sante.example.org",
        ])
        #expect(!production.showsDevOutbox)
        #expect(production.secureCookies)
    }
}

@Suite("Security helpers")
struct SecurityTests {
    @Test func sealedValuesCannotBeForged() {
        let signer = Signer(secret: String(repeating: "k", count: 40))
        let sealed = signer.seal("success\nBonjour", purpose: "flash")
        #expect(signer.unseal(sealed, purpose: "flash") == "success\nBonjour")
        #expect(signer.unseal(sealed, purpose: "other") == nil)
        #expect(signer.unseal(sealed.replacingOccurrences(of: ".", with: ".x"), purpose: "flash") == nil)
        #expect(Signer(secret: String(repeating: "z", count: 40)).unseal(sealed, purpose: "flash") == nil)
    }

    @Test func tokensAreRandomAndURLSafe() {
        let a = Tokens.random(), b = Tokens.random()
        #expect(a != b)
        #expect(a.count == 43)
        #expect(a.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    @Test func rateLimiterSlidesItsWindow() {
        let limiter = RateLimiter()
        let start = Date()
        for _ in 0..<3 { limiter.record("k", now: start) }
        #expect(!limiter.allows("k", limit: 3, window: 60, now: start.addingTimeInterval(10)))
        #expect(limiter.allows("k", limit: 4, window: 60, now: start.addingTimeInterval(10)))
        #expect(limiter.allows("k", limit: 3, window: 60, now: start.addingTimeInterval(61)))
        #expect(limiter.allows("other", limit: 1, window: 60, now: start))
    }

    struct AccessCase: Sendable, CustomTestStringConvertible {
        let access: Access
        let signedIn: Bool
        let roles: Set<Role>
        let expected: Bool
        var testDescription: String {
            "\(access) signedIn=\(signedIn) roles=\(roles.map(\.rawValue).sorted()) → \(expected)"
        }
    }

    static let accessCases: [AccessCase] = [
        AccessCase(access: .everyone, signedIn: false, roles: [], expected: true),
        AccessCase(access: .signedIn, signedIn: false, roles: [], expected: false),
        AccessCase(access: .signedIn, signedIn: true, roles: [], expected: true),
        AccessCase(access: .territory([.coordinator]), signedIn: true, roles: [.resident], expected: false),
        AccessCase(access: .territory([.coordinator, .admin]), signedIn: true, roles: [.admin], expected: true),
        AccessCase(access: .territory([.coordinator]), signedIn: false, roles: [.coordinator], expected: false),
        AccessCase(access: .devOnly, signedIn: true, roles: [.admin], expected: false),
    ]

    @Test(arguments: accessCases)
    func accessRules(_ c: AccessCase) {
        #expect(c.access.allows(signedIn: c.signedIn, rolesHere: c.roles, devAllowed: false) == c.expected)
    }

    @Test func cspForbidsInlineScript() {
        let csp = SecurityHeadersMiddleware.contentSecurityPolicy
        #expect(csp.contains("script-src 'self'"))
        #expect(!csp.contains("unsafe-inline"))
        #expect(csp.contains("frame-ancestors 'none'"))
    }
}

@Suite("Small pure helpers")
struct HelperTests {
    @Test func linksFillParametersInOrder() {
        #expect(RoutePattern("/:territory/profils/:person").link("vitre", 12) == "/vitre/profils/12")
        #expect(RoutePattern("/confirmer/:token").link("a b/c") == "/confirmer/a%20b%2Fc")
    }

    @Test func languageNegotiation() {
        #expect(Lang.negotiate(query: "en", cookie: "fr", acceptLanguage: "fr") == .en)
        #expect(Lang.negotiate(query: nil, cookie: "en", acceptLanguage: "fr") == .en)
        #expect(Lang.negotiate(query: nil, cookie: nil, acceptLanguage: "de-DE,en;q=0.8") == .en)
        #expect(Lang.negotiate(query: "xx", cookie: nil, acceptLanguage: nil) == .fr)
    }

    @Test func emailAddresses() {
        #expect(EmailAddress.isValid("jeanne.dupont@exemple.fr"))
        #expect(!EmailAddress.isValid("pas-un-email"))
        #expect(!EmailAddress.isValid("a@b"))
        #expect(!EmailAddress.isValid("a b@exemple.fr"))
        #expect(!EmailAddress.isValid("a@exemple.fr\r\nBcc: x@y.fr"))
        #expect(EmailAddress.normalize("  Jeanne@Exemple.FR ") == "jeanne@exemple.fr")
    }

    @Test func csvReadsQuotesAndReportsLines() throws {
        let rows = try CSV.parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n1,\"multi\nline\"\n3,4")
        #expect(rows.map(\.fields) == [["a", "b"], ["x, y", "say \"hi\""], ["1", "multi\nline"], ["3", "4"]])
        #expect(rows.map(\.line) == [1, 2, 3, 5])
        #expect(throws: CSV.ParseError.self) { try CSV.parse("a,\"open\n") }
        #expect(CSV.line(["a", "b,c", "d\"e"]) == "a,\"b,c\",\"d\"\"e\"")
    }

    @Test func mailIsRFC5322WithEncodedSubjectAndNoHeaderInjection() throws {
        let message = MailMessage(
            from: "agora@example.org", to: "jeanne@example.org", subject: "Évènement\r\nBcc: x@y.z",
            body: "Bonjour\n.\nfin", date: Date(timeIntervalSince1970: 0), messageID: "<m@example.org>")
        let text = message.rendered()
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(!text.contains("\r\nBcc:"))
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        let body = text.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: "")
        #expect(String(data: Data(base64Encoded: body)!, encoding: .utf8) == "Bonjour\r\n.\r\nfin")
        #expect(SMTPClient.dotStuffed("a\r\n.b\r\nc") == "a\r\n..b\r\nc")
    }

    @Test func mailRetriesBackOff() {
        #expect(Mailer.backoff(afterAttempts: 1) == 30)
        #expect(Mailer.backoff(afterAttempts: 2) == 120)
        #expect(Mailer.backoff(afterAttempts: 20) == 6 * 3600)
    }

    @Test func reservedSlugs() {
        #expect(ReservedSlugs.isAcceptable("vitre"))
        #expect(!ReservedSlugs.isAcceptable("connexion"))
        #expect(!ReservedSlugs.isAcceptable("Vitré"))
        #expect(!ReservedSlugs.isAcceptable("-a"))
    }
}

@Suite("Tokens")
struct TokenEncodingTests {
    @Test func base64URLMatchesFoundationForEveryLength() {
        for length in 0...40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Tokens.base64URL(bytes) == expected, "length \(length)")
            #expect(Tokens.fromBase64URL(expected) == Data(bytes))
        }
    }

    @Test func sha256HexIsTheKnownDigest() {
        #expect(Tokens.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

@Suite("Byte search")
struct ByteSearchTests {
    @Test func findsTheEndOfTheFirstOccurrence() {
        #expect(ByteSearch.end(of: "<b>", in: "a<b>c<b>") == 4)
        #expect(ByteSearch.end(of: "é", in: "café") == 5)
        #expect(ByteSearch.end(of: "x", in: "abc") == nil)
        #expect(ByteSearch.end(of: "", in: "abc") == nil)
    }
}

@Suite("Typed days")
struct TypedDayTests {
    @Test func onlyRealCalendarDaysPass() {
        for good in ["2027-03-01", "2028-02-29", "2000-02-29", "2026-12-31"] {
            #expect(TextRule.isDay(good), "\(good)")
        }
        for bad in [
            "2027-02-29", "1900-02-29", "2027-13-01", "2027-04-31", "2027-3-1", "27-03-01", "2027-03-01x", "",
            "aaaa-bb-cc",
        ] {
            #expect(!TextRule.isDay(bad), "\(bad)")
        }
        #expect(DateText.day(iso: "2027-03-01", lang: .fr) == "1er mars 2027")
        #expect(DateText.day(iso: "2027-03-15", lang: .en) == "March 15, 2027")
    }
}

@Suite("iCalendar")
struct ICSTests {
    @Test func textIsEscapedAndLongLinesFolded() {
        let event = ICS.Event(
            uid: "seance-1@agora", start: Date(timeIntervalSince1970: 1_800_000_000),
            end: Date(timeIntervalSince1970: 1_800_007_200),
            summary: "Séance; comité, santé", description: "Ligne 1\nLigne 2 " + String(repeating: "é", count: 60),
            location: "Mairie", lastModified: Date(timeIntervalSince1970: 1_799_000_000))
        let text = ICS.calendar([event], name: "Comité", now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(text.contains("SUMMARY:Séance\\; comité\\, santé\r\n"))
        #expect(text.contains("DTSTART:20270115T080000Z"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75, "\(line)") }
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("DESCRIPTION:Ligne 1\\nLigne 2 " + String(repeating: "é", count: 60)))
    }
}

@Suite("QR codes, read back by a real decoder")
struct QRCodeTests {
    /// Writes the code as an image and asks Debian's zbarimg (installed by scripts/install-deps.sh) to read it.
    static func decode(_ code: QRCode) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agora-qr-\(UUID().uuidString).pgm")
        try Data(code.pgm()).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", path.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return output.hasSuffix("\n") ? String(output.dropLast()) : output
    }

    @Test(arguments: [
        "https://agora.example/q/7",
        "https://agora-sante.example/vitre/questionnaires/12?vague=2",
        "Inscription confirmée : forum santé de Vitré, samedi 14 mars 2027 à 10 h, salle des fêtes. Code 4F7Q.",
        String(repeating: "https://agora-sante.example/vitre/evenements/123/presence?code=ABCDEF ", count: 4),
        String(repeating: "0123456789abcdef", count: 60),
    ])
    func whatIsEncodedIsReadBack(_ text: String) throws {
        let code = try QRCode.encode(text)
        #expect(code.size == code.version * 4 + 17)
        let decoded = try Self.decode(code)
        #expect(decoded == text, "version \(code.version): \(Array(decoded.utf8.prefix(40)))")
    }

    @Test func theSmallestVersionIsChosenAndTooLongIsRefused() throws {
        #expect(try QRCode.encode("https://agora.example/q/7").version == 2)  // 25 bytes: version 1-M holds 14
        #expect(try QRCode.encode(String(repeating: "a", count: 14)).version == 1)
        #expect(try QRCode.encode(String(repeating: "a", count: 15)).version == 2)
        #expect(throws: QRCode.Failure.tooLong) { try QRCode.encode(String(repeating: "a", count: 2400)) }
        let svg = try QRCode.encode("https://agora.example/q/7").svg(label: "Lien vers le questionnaire")
        #expect(
            svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 33 33\"")
                && svg.contains("aria-label=\"Lien vers le questionnaire\""))
    }
}

@Suite("URL-encoded forms")
struct FormDecodingTests {
    @Test func plusPercentAndMalformedEscapes() {
        #expect(Request.formDecode("a+b%C3%A9%2Bx") == "a bé+x")
        #expect(Request.formDecode("100%25") == "100%")
        #expect(Request.formDecode("%ZZ%4") == "%ZZ%4")
        #expect(Request.formDecode("plain") == "plain")
        #expect(Request.formPairs("q%5B%5D=1&b=x+y&b=z") == ["q[]": "1", "b": "z"])
    }
}

@Suite("The one audience rule")
struct AudienceRuleTests {
    @Test func theFirstRoleHeldNamesTheAudienceAndAnAssistedPersonIsAResident() {
        #expect(Audience.of([]) == .resident)
        #expect(Audience.of([.resident]) == .resident)
        #expect(Audience.of([.patientPartner, .resident]) == .patientPartner)
        #expect(Audience.of([.professional, .patientPartner]) == .professional)
        #expect(Audience.of([.decisionMaker, .patientPartner]) == .decisionMaker)
        #expect(Audience.of([.coordinator, .resident]) == .coordinator)
        #expect(Audience.of([.admin]) == .admin)
        #expect(Audience.of([.professional], assisted: true) == .resident)
        #expect(
            Audience.allCases.allSatisfy { Audience(rawValue: $0.role.rawValue) == $0 }, "stored as the role's value")
    }
}

@Suite("Path ids")
struct PathIDTests {
    @Test func onlyPlainDigitsAreAnID() {
        #expect(PathID.parse("12") == 12)
        for bad in ["", "0", "12abc", "+12", "-3", "١٢", " 12", "1234567890123456789", nil] as [String?] {
            #expect(PathID.parse(bad) == nil, "\(String(describing: bad))")
        }
    }
}

@Suite("Embedded assets")
struct EmbeddedAssetTests {
    @Test func theBinaryCarriesPublicAsItIs() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Public")
            .standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        #expect(Set(StaticAssets.embedded.files.keys) == Set(names))
        let fromFolder = try StaticAssets.directory(folder.path)
        for name in names {
            #expect(StaticAssets.embedded.files[name]?.hash == fromFolder.files[name]?.hash, "\(name)")
        }
        #expect(throws: StartupFailure.self) { try StaticAssets.directory("/nonexistent-assets") }
    }
}

/// Issue #16, attack 3: behind a proxy, the left-most X-Forwarded-For value was taken, so a
/// forged header gave every attempt a fresh rate-limit counter.
@Suite("Client address")
struct ClientAddressTests {
    @Test func aForgedForwardedForNeverChoosesTheAddress() {
        // nginx appends the address it saw to what the client sent.
        let forged = ["1.2.3.4, 203.0.113.7"]
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: forged, trustProxy: true) == "203.0.113.7")
        for i in 0..<5 {
            let header = ["198.51.100.\(i), 203.0.113.7"]
            #expect(
                ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: header, trustProxy: true) == "203.0.113.7",
                "the same client whatever it writes")
        }
        #expect(
            ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["1.2.3.4", "203.0.113.7"], trustProxy: true)
                == "203.0.113.7", "two headers count as one list")
    }

    @Test func withoutATrustedProxyTheHeaderIsIgnoredAndNonsenseIsNotTaken() {
        #expect(ClientAddress.resolve(peer: "192.0.2.9", forwardedFor: ["1.2.3.4"], trustProxy: false) == "192.0.2.9")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["évil"], trustProxy: true) == "10.0.0.2")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: [], trustProxy: true) == "10.0.0.2")
        #expect(
            ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["2001:db8::1"], trustProxy: true) == "2001:db8::1")
    }
}

/// Issue #16: every counter was cleared at once when the table was full, so filling it reset the
/// limit on the account being guessed.
@Suite("Rate limiter under a flood")
struct RateLimiterFloodTests {
    @Test func fillingTheTableDoesNotResetTheCounterOfTheAccountGuessed() {
        let limiter = RateLimiter(capacity: 50)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for attempt in 0..<5 {
            limiter.record("login:habitant@vitre.example", now: start.addingTimeInterval(Double(attempt)))
        }
        #expect(
            !limiter.allows("login:habitant@vitre.example", limit: 5, window: 900, now: start.addingTimeInterval(10)))
        for flood in 0..<500 {
            limiter.record("signup:bot\(flood)@example.org", now: start.addingTimeInterval(20 + Double(flood) / 100))
        }
        #expect(limiter.keyCount <= 50, "memory stays bounded")
        #expect(
            !limiter.allows("login:habitant@vitre.example", limit: 5, window: 900, now: start.addingTimeInterval(30)),
            "still refused after the flood")
    }
}

/// Issue #16: the live WebSocket accepted any `Origin`, so a page of another site could open it
/// with the visitor's cookies.
@Suite("WebSocket origin")
struct SameOriginTests {
    @Test func onlyTheSiteItselfOpensTheSocket() {
        let base = "https://sante.example.fr"
        #expect(SameOrigin.allows(origin: "https://sante.example.fr", host: "sante.example.fr", baseURL: base))
        #expect(!SameOrigin.allows(origin: "https://evil.example", host: "sante.example.fr", baseURL: base))
        #expect(!SameOrigin.allows(origin: "http://sante.example.fr", host: "other", baseURL: base), "not over http")
        #expect(!SameOrigin.allows(origin: "null", host: "sante.example.fr", baseURL: base))
        #expect(SameOrigin.allows(origin: "http://127.0.0.1:8089", host: "127.0.0.1:8089", baseURL: "http://x"))
        #expect(SameOrigin.allows(origin: nil, host: "sante.example.fr", baseURL: base), "no web page, no Origin")
    }
}

@Suite("Counted nouns")
struct CountedTests {
    @Test func frenchTakesTheSingularForZeroAndOneAndEnglishOnlyForOne() {
        let seats = { (n: Int) in Counted.text(n, fr: ("siège", "sièges"), en: ("seat", "seats")) }
        #expect(seats(0).fr == "0 siège" && seats(0).en == "0 seats")
        #expect(seats(1).fr == "1 siège" && seats(1).en == "1 seat")
        #expect(seats(2).fr == "2 sièges" && seats(2).en == "2 seats")
    }
}
