import Foundation

/// A plain-text UTF-8 mail, rendered as RFC 5322 with base64 body and RFC 2047 subject.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var fromName: String
    public var to: String
    public var subject: String
    public var body: String
    public var date: Date
    public var messageID: String

    public init(from: String, fromName: String = "Agora Santé", to: String, subject: String, body: String,
                date: Date = Date(), messageID: String? = nil) {
        self.from = from; self.fromName = fromName; self.to = to; self.subject = subject; self.body = body
        self.date = date
        let domain = from.split(separator: "@").last.map(String.init) ?? "agora.invalid"
        self.messageID = messageID ?? "<\(Tokens.random(bytes: 12))@\(domain)>"
    }

    static func encodedWord(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII && !$0.isNewline }) { return text }
        return "=?UTF-8?B?" + Data(text.utf8).base64EncodedString() + "?="
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// Header fields must not carry line breaks (header injection).
    static func clean(_ value: String) -> String {
        value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// The message as sent after DATA, lines ending in CRLF, without the final dot.
    public func rendered() -> String {
        let body64 = Data(body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let headers = [
            "From: \(MailMessage.encodedWord(MailMessage.clean(fromName))) <\(MailMessage.clean(from))>",
            "To: <\(MailMessage.clean(to))>",
            "Subject: \(MailMessage.encodedWord(MailMessage.clean(subject)))",
            "Date: \(MailMessage.rfc5322Date(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "Auto-Submitted: auto-generated",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body64 + "\r\n"
    }
}
