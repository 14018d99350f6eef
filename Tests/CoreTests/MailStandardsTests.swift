import Foundation
import Testing

@testable import Core

/// Mails as strict as RFC 5322 and RFC 2047 (issue #16): header lines of 78 characters at most,
/// folded with CRLF and a space; encoded words of 75 characters at most, cut between characters;
/// attachment headers folded too. And calendar files as RFC 5545/5546 want them.
@Suite("Mail and calendar standards")
struct MailStandardsTests {
    static let longSubject =
        "Inscription confirmée : forum santé « Bien vieillir à Vitré, Châteaubourg et alentours » — "
        + "samedi 14 mars, salle des fêtes, accès en fauteuil"
    static let longName = "Communauté professionnelle territoriale de santé du pays de Vitré – Agora Santé"

    /// The header block (before the first empty line) of a rendered message or part.
    static func headerLines(_ text: String) -> [String] {
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        return head.components(separatedBy: "\r\n")
    }

    /// The value of a header, unfolded (CRLF before a space removed, as RFC 5322 §2.2.3 says).
    static func unfolded(_ name: String, in text: String) -> String? {
        let head = text.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: " ")
        return head.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }.map {
            String($0.dropFirst(name.count + 2))
        }
    }

    static var encodedWordPattern: Regex<(Substring, Substring)> { /=\?UTF-8\?B\?([A-Za-z0-9+\/=]*)\?=/ }

    /// Decodes an unstructured value made of encoded words (the space between two of them is not
    /// part of the text, RFC 2047 §6.2) or of plain words.
    static func decoded(_ value: String) throws -> String {
        let tokens = value.split(separator: " ").map(String.init)
        guard tokens.allSatisfy({ $0.wholeMatch(of: encodedWordPattern) != nil }) else { return value }
        var bytes = Data()
        for token in tokens {
            let match = try #require(token.wholeMatch(of: encodedWordPattern))
            let chunk = try #require(Data(base64Encoded: String(match.1)))
            // Each word holds whole characters: it decodes alone (RFC 2047 §5).
            #expect(String(data: chunk, encoding: .utf8) != nil, "a word cut inside a character: \(token)")
            bytes += chunk
        }
        return try #require(String(data: bytes, encoding: .utf8))
    }

    static func checkLengths(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for part in text.components(separatedBy: "\r\n--") {
            for line in headerLines(part) where !line.isEmpty {
                #expect(line.count <= 78, "header line of \(line.count): \(line)", sourceLocation: sourceLocation)
                for match in line.matches(of: encodedWordPattern) {
                    #expect(match.0.count <= 75, "encoded word of \(match.0.count)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test func aLongFrenchSubjectAndSenderNameAreFoldedInShortEncodedWords() throws {
        let message = MailMessage(
            from: "agora@example.org", fromName: Self.longName, to: "jeanne@example.org", subject: Self.longSubject,
            body: "Bonjour", date: Date(timeIntervalSince1970: 0), messageID: "<m@example.org>")
        let text = message.rendered()
        Self.checkLengths(text)
        let subjectLines = Self.headerLines(text).drop { !$0.hasPrefix("Subject:") }.prefix { !$0.hasPrefix("Date:") }
        #expect(subjectLines.count > 2, "a subject this long takes several lines")
        #expect(subjectLines.dropFirst().allSatisfy { $0.hasPrefix(" =?UTF-8?B?") }, "continuations start with a space")
        #expect(try Self.decoded(try #require(Self.unfolded("Subject", in: text))) == Self.longSubject)
        let from = try #require(Self.unfolded("From", in: text))
        #expect(from.hasSuffix(" <agora@example.org>"))
        #expect(try Self.decoded(String(from.dropLast(" <agora@example.org>".count))) == Self.longName)
    }

    @Test func encodedWordsNeverCutACharacter() throws {
        // Four-byte characters (emoji) and two-byte letters: no word may end inside one.
        let subject = String(repeating: "é🙂à", count: 30)
        let text = MailMessage(from: "a@example.org", to: "b@example.org", subject: subject, body: "").rendered()
        Self.checkLengths(text)
        #expect(try Self.decoded(try #require(Self.unfolded("Subject", in: text))) == subject)
    }

    @Test func plainASCIISubjectsFoldBetweenWordsAndShortOnesStayOnOneLine() throws {
        let short = MailMessage(from: "a@example.org", to: "b@example.org", subject: "Hello", body: "").rendered()
        #expect(short.contains("\r\nSubject: Hello\r\n"))
        let plainName = MailMessage(
            from: "a@example.org", fromName: "Agora", to: "b@example.org", subject: "S", body: "")
        #expect(plainName.rendered().hasPrefix("From: Agora <a@example.org>\r\n"))
        let long = String(repeating: "Weekly digest of the health forum ", count: 5).trimmingCharacters(
            in: .whitespaces)
        let text = MailMessage(from: "a@example.org", to: "b@example.org", subject: long, body: "").rendered()
        Self.checkLengths(text)
        #expect(Self.unfolded("Subject", in: text) == long)
        // A display name with a comma is not a plain phrase: it is encoded, never sent bare.
        let comma = MailMessage(
            from: "a@example.org", fromName: "Dupont, Jeanne", to: "b@example.org", subject: "S", body: "")
        #expect(comma.rendered().hasPrefix("From: =?UTF-8?B?"))
    }

    @Test func attachmentHeadersAreFoldedAndLongOrFrenchFileNamesFollowRFC2231() throws {
        let calendar = MailAttachment.calendar(
            "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", filename: "rencontre-12.ics", method: .request)
        let french = MailAttachment(
            filename: "Compte rendu de la séance plénière du comité de santé de Châteaubourg — mars 2027.pdf",
            contentType: "application/pdf", data: Data("%PDF".utf8))
        let long = MailAttachment(
            filename: String(repeating: "programme-", count: 12) + "final.pdf", contentType: "application/pdf",
            data: Data("%PDF".utf8))
        let text = MailMessage(
            from: "a@example.org", to: "b@example.org", subject: Self.longSubject, body: "B",
            attachments: [calendar, french, long]
        ).rendered(boundary: "agora-b")
        Self.checkLengths(text)
        let parts = text.components(separatedBy: "--agora-b")
        #expect(
            Self.unfolded("Content-Type", in: parts[2])
                == "text/calendar; charset=utf-8; method=REQUEST; name=\"rencontre-12.ics\"")
        // RFC 2231: the French name percent-encoded in UTF-8, cut in numbered pieces.
        let disposition = try #require(Self.unfolded("Content-Disposition", in: parts[3]))
        #expect(disposition.hasPrefix("attachment; filename*0*=utf-8''Compte-rendu-de-la-s%C3%A9ance"))
        #expect(disposition.contains("filename*1*="))
        let pieces = disposition.split(separator: ";").dropFirst().map {
            String($0.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)[1])
        }
        let joined = pieces.joined().replacingOccurrences(of: "utf-8''", with: "")
        #expect(
            joined.removingPercentEncoding
                == "Compte-rendu-de-la-séance-plénière-du-comité-de-santé-de-Châteaubourg---mars-2027.pdf")
        let longDisposition = try #require(Self.unfolded("Content-Disposition", in: parts[4]))
        #expect(longDisposition.contains("filename*0=\"programme-"))
        #expect(longDisposition.contains("filename*1=\""))
    }

    // MARK: - SMTP failures

    @Test func onlyARefusalOfTheMailItselfIsPermanent() {
        typealias F = SMTPClient.Failure
        #expect(F.kind(code: 535, step: .auth) == .configuration, "a wrong password is not the mail's fault")
        #expect(F.kind(code: 530, step: .mailFrom) == .configuration, "authentication required")
        #expect(F.kind(code: 554, step: .greeting) == .configuration)
        #expect(F.kind(code: 502, step: .starttls) == .configuration)
        #expect(F.kind(code: 550, step: .rcptTo) == .refused)
        #expect(F.kind(code: 553, step: .mailFrom) == .refused)
        #expect(F.kind(code: 554, step: .data) == .refused)
        #expect(F.kind(code: 552, step: .endOfData) == .refused)
        #expect(F.kind(code: 451, step: .rcptTo) == .temporary)
        #expect(F.kind(code: 421, step: .greeting) == .temporary)
        #expect(F(description: "x", kind: .refused).permanent && !F(description: "x", kind: .configuration).permanent)
    }

    // MARK: - Calendars

    static func event(sequence: Int = 0, cancelled: Bool = false) -> ICS.Event {
        ICS.Event(
            uid: ICS.uid("event-7", baseURL: "https://Agora.Example.org:8443/"),
            start: Date(timeIntervalSince1970: 1_800_000_000), end: Date(timeIntervalSince1970: 1_800_007_200),
            summary: "Forum", cancelled: cancelled, sequence: sequence,
            lastModified: Date(timeIntervalSince1970: 1_799_990_000))
    }

    @Test func theUIDNamesTheInstanceAndEveryEventHasSequenceAndLastModified() {
        #expect(ICS.uid("event-7", baseURL: "https://Agora.Example.org:8443/") == "event-7@agora.example.org")
        #expect(ICS.uid("seance-2", baseURL: "http://127.0.0.1:8089") == "seance-2@127.0.0.1")
        let text = ICS.calendar(
            [Self.event(sequence: 3)], name: "Forum", now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(text.contains("\r\nUID:event-7@agora.example.org\r\n"))
        #expect(text.contains("\r\nSEQUENCE:3\r\n"))
        #expect(text.contains("\r\nLAST-MODIFIED:20270115T051320Z\r\n"))
        #expect(text.contains("\r\nMETHOD:PUBLISH\r\n"), "downloads and subscriptions publish")
        #expect(!text.contains("ORGANIZER"))
    }

    @Test func aMailedInvitationIsARequestWithItsOrganizerAndACancellationACancel() {
        let invitation = ICS.Invitation(organizer: "agora@example.org", attendee: "jeanne@example.org")
        let request = ICS.calendar([Self.event()], name: "Forum", invitation: invitation)
        #expect(request.contains("\r\nMETHOD:REQUEST\r\n"))
        let unfolded = request.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("\r\nORGANIZER;CN=\"Agora Santé\":mailto:agora@example.org\r\n"))
        #expect(
            unfolded.contains("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:jeanne@example.org"))
        #expect(ICS.method(of: [Self.event()], invitation: invitation) == .request)
        let cancel = ICS.calendar([Self.event(sequence: 1, cancelled: true)], name: "Forum", invitation: invitation)
        #expect(cancel.contains("\r\nMETHOD:CANCEL\r\n") && cancel.contains("\r\nSTATUS:CANCELLED\r\n"))
        #expect(ICS.method(of: [Self.event(cancelled: true)], invitation: nil) == .publish)
        let attachment = MailAttachment.calendar(cancel, filename: "r.ics", method: .cancel)
        #expect(attachment.contentType == "text/calendar; charset=utf-8; method=CANCEL")
        for line in request.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75, "\(line)") }
    }
}
