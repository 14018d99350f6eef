import Foundation
import Testing
@testable import Core

@Suite("Mail attachments")
struct MailAttachmentTests {
    static let ics =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\nSUMMARY:Forum santé\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

    @Test func aMailWithoutAttachmentStaysPlainText() {
        let text = MailMessage(from: "agora@example.org", to: "a@example.org", subject: "Bonjour", body: "Salut")
            .rendered()
        #expect(text.contains("Content-Type: text/plain; charset=utf-8\r\n"))
        #expect(!text.contains("multipart"))
    }

    @Test func aCalendarFileIsAMultipartMixedPartInBase64() throws {
        let message = MailMessage(
            from: "agora@example.org", to: "jeanne@example.org", subject: "Inscription confirmée",
            body: "Bonjour\nÀ bientôt",
            date: Date(timeIntervalSince1970: 0), messageID: "<m@example.org>",
            attachments: [.calendar(Self.ics, filename: "rencontre-12.ics")])
        let text = message.rendered(boundary: "agora-b")
        #expect(text.contains("Content-Type: multipart/mixed; boundary=\"agora-b\"\r\n"))
        // Every line ends in CRLF: no bare LF anywhere.
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let parts = text.components(separatedBy: "--agora-b")
        #expect(parts.count == 4)  // preamble (headers), text, file, and "--" after the closing delimiter
        #expect(parts.last == "--\r\n")
        let textPart = parts[1], filePart = parts[2]
        #expect(textPart.contains("Content-Type: text/plain; charset=utf-8"))
        // Folded after a semicolon: the line would be 83 characters long (RFC 5322 wants 78 at most).
        #expect(
            filePart.contains(
                "Content-Type: text/calendar; charset=utf-8; method=PUBLISH;\r\n name=\"rencontre-12.ics\"\r\n"))
        #expect(filePart.contains("Content-Disposition: attachment; filename=\"rencontre-12.ics\"\r\n"))
        #expect(filePart.contains("Content-Transfer-Encoding: base64\r\n"))
        let body64 = try #require(filePart.components(separatedBy: "\r\n\r\n").last).replacingOccurrences(
            of: "\r\n", with: "")
        #expect(String(data: try #require(Data(base64Encoded: body64)), encoding: .utf8) == Self.ics)
        let text64 = try #require(textPart.components(separatedBy: "\r\n\r\n").last).replacingOccurrences(
            of: "\r\n", with: "")
        #expect(String(data: try #require(Data(base64Encoded: text64)), encoding: .utf8) == "Bonjour\r\nÀ bientôt")
    }

    @Test func headerValuesOfAttachmentsCannotBeInjected() {
        let file = MailAttachment(
            filename: "a\"\r\nBcc: x@y.z.ics", contentType: "text/calendar\r\nBcc: x@y.z", data: Data("x".utf8))
        let text = MailMessage(
            from: "agora@example.org", to: "a@example.org", subject: "S", body: "B", attachments: [file]
        ).rendered()
        #expect(!text.contains("\r\nBcc:"))
        #expect(text.contains("filename=\"a--Bcc--x-y.z.ics\""))
    }

    @Test func theOutboxKeepsAttachmentsAsJSON() {
        let mail = OutboxMail(
            recipient: "a@example.org", subject: "S", body: "B", attachments: [.calendar(Self.ics, filename: "r.ics")])
        #expect(mail.attachmentsJSON != nil)
        #expect(mail.attachments == [.calendar(Self.ics, filename: "r.ics")])
        #expect(OutboxMail(recipient: "a@example.org", subject: "S", body: "B").attachmentsJSON == nil)
    }
}
