import Foundation

/// A file joined to a mail (a calendar file, for example).
public struct MailAttachment: Sendable, Equatable, Codable {
    public var filename: String
    /// The MIME type with its parameters, e.g. `text/calendar; charset=utf-8; method=PUBLISH`.
    public var contentType: String
    public var data: Data

    public init(filename: String, contentType: String, data: Data) {
        self.filename = filename; self.contentType = contentType; self.data = data
    }

    /// An iCalendar file (the text `ICS.calendar` makes).
    public static func calendar(_ text: String, filename: String) -> MailAttachment {
        MailAttachment(
            filename: filename, contentType: "text/calendar; charset=utf-8; method=PUBLISH", data: Data(text.utf8))
    }

    /// A file name safe in a header: ASCII letters, digits, dot, dash and underscore only.
    var safeFilename: String {
        let kept = String(filename.map { $0.isASCII && ($0.isLetter || $0.isNumber || ".-_".contains($0)) ? $0 : "-" })
        return kept.isEmpty ? "piece-jointe" : kept
    }

    /// The type without line breaks or quotes (header injection).
    var safeContentType: String {
        MailMessage.clean(contentType).replacingOccurrences(of: "\"", with: "")
    }
}

/// A plain-text UTF-8 mail, rendered as RFC 5322 with base64 body and RFC 2047 subject; with
/// attachments, a multipart/mixed message whose first part is the text.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var fromName: String
    public var to: String
    public var subject: String
    public var body: String
    public var date: Date
    public var messageID: String
    public var attachments: [MailAttachment]

    public init(
        from: String, fromName: String = "Agora Santé", to: String, subject: String, body: String,
        date: Date = Date(), messageID: String? = nil, attachments: [MailAttachment] = []
    ) {
        self.from = from; self.fromName = fromName; self.to = to; self.subject = subject; self.body = body
        self.date = date; self.attachments = attachments
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

    static func base64Lines(_ data: Data) -> String {
        data.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }

    /// The message as sent after DATA, lines ending in CRLF, without the final dot. `boundary`
    /// separates the parts of a message with attachments (random by default).
    public func rendered(boundary: String? = nil) -> String {
        let text = Data(
            body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
        var headers = [
            "From: \(MailMessage.encodedWord(MailMessage.clean(fromName))) <\(MailMessage.clean(from))>",
            "To: <\(MailMessage.clean(to))>",
            "Subject: \(MailMessage.encodedWord(MailMessage.clean(subject)))",
            "Date: \(MailMessage.rfc5322Date(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
        ]
        guard !attachments.isEmpty else {
            headers += [
                "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64",
                "Auto-Submitted: auto-generated",
            ]
            return headers.joined(separator: "\r\n") + "\r\n\r\n" + MailMessage.base64Lines(text) + "\r\n"
        }
        // Every part is base64, whose alphabet has no "-": no line of a part can look like "--boundary".
        let boundary = boundary ?? "agora-" + Tokens.random(bytes: 12)
        headers += ["Content-Type: multipart/mixed; boundary=\"\(boundary)\"", "Auto-Submitted: auto-generated"]
        var out = headers.joined(separator: "\r\n") + "\r\n\r\n"
        out +=
            "--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + MailMessage.base64Lines(text) + "\r\n"
        for file in attachments {
            let name = file.safeFilename
            out += "--\(boundary)\r\nContent-Type: \(file.safeContentType); name=\"\(name)\"\r\n"
            out += "Content-Disposition: attachment; filename=\"\(name)\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            out += MailMessage.base64Lines(file.data) + "\r\n"
        }
        return out + "--\(boundary)--\r\n"
    }
}
