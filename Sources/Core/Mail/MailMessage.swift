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

    /// An iCalendar file (the text `ICS.calendar` makes). `method` is the calendar's own `METHOD`
    /// (RFC 5546: `REQUEST` for an invitation, `CANCEL` for a cancellation), repeated in the
    /// Content-Type as RFC 6047 asks.
    public static func calendar(_ text: String, filename: String, method: ICS.Method = .publish) -> MailAttachment {
        MailAttachment(
            filename: filename, contentType: "text/calendar; charset=utf-8; method=\(method.rawValue)",
            data: Data(text.utf8))
    }

    /// The file name kept for a header: letters (of any script), digits, dot, dash and underscore;
    /// anything else (quotes, line breaks, spaces, slashes) becomes a dash.
    var keptFilename: String {
        let kept = String(filename.map { ($0.isLetter || $0.isNumber || ".-_".contains($0)) ? $0 : "-" })
        return kept.isEmpty ? "piece-jointe" : kept
    }

    /// The same in ASCII only (for the legacy `name=` parameter of the Content-Type).
    var safeFilename: String {
        let kept = String(keptFilename.map { $0.isASCII ? $0 : "-" })
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

    /// The words of an unstructured header value (a subject, a display name), as RFC 2047 wants
    /// them: plain ASCII words when the text is plain ASCII whose words fit on a folded line,
    /// otherwise encoded words of 64 characters at most (the limit is 75): `=?UTF-8?B?…?=` with
    /// up to 39 bytes of UTF-8 each, cut between characters, never inside one — short enough that
    /// `Subject: ` and the first word fit on the first line. Readers join adjacent encoded words
    /// without the space between them, so the text reads back whole.
    static func headerWords(_ text: String, plainAllowed: (String) -> Bool = { _ in true }) -> [String] {
        guard !text.isEmpty else { return [] }
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let plain =
            text.allSatisfy { $0.isASCII && !$0.isNewline && $0 != "\t" } && !text.contains("=?")
            && words.allSatisfy { !$0.isEmpty && $0.count <= 60 } && plainAllowed(text)
        if plain { return words }
        var out: [String] = []
        var chunk = ""
        for character in text {
            if chunk.utf8.count + String(character).utf8.count > 39, !chunk.isEmpty {
                out.append(encoded(chunk))
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { out.append(encoded(chunk)) }
        return out
    }

    static func encoded(_ chunk: String) -> String {
        "=?UTF-8?B?" + Data(chunk.utf8).base64EncodedString() + "?="
    }

    /// One encoded-or-plain value (kept for callers that want a single string; may be long).
    static func encodedWord(_ text: String) -> String { headerWords(text).joined(separator: " ") }

    /// A header line folded as RFC 5322 §2.2.3 says: no line longer than 78 characters, each
    /// continuation starting with a space (the tokens are joined by one space, the place to fold).
    static func folded(_ name: String, _ tokens: [String], separator: String = " ") -> String {
        var out = name + ":"
        var lineLength = out.count
        for (index, token) in tokens.enumerated() {
            let piece = (index == 0 ? " " : separator) + token
            if lineLength + piece.count > 78, index > 0 {
                let trimmed = piece.hasPrefix(" ") ? String(piece.dropFirst()) : piece
                out += "\r\n " + trimmed
                lineLength = 1 + trimmed.count
            } else {
                out += piece
                lineLength += piece.count
            }
        }
        return out
    }

    /// A display name may be plain only if it is made of atext and spaces (RFC 5322 §3.2.3);
    /// anything else ("Dupont, Jeanne", dots, quotes) goes in encoded words.
    static func isPlainPhrase(_ text: String) -> Bool {
        text.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " || "!#$%&'*+-/=?^_`{|}~".contains($0) }
    }

    /// A MIME parameter (`name="…"`, `filename="…"`) as tokens to fold between: a short ASCII value
    /// quoted; a long one cut in RFC 2231 continuations (`filename*0="…"; filename*1="…"`); a value
    /// with other characters encoded as RFC 2231 says (`filename*0*=utf-8''%C3%A9…`).
    static func parameter(_ name: String, _ value: String) -> [String] {
        if value.allSatisfy(\.isASCII) {
            if value.count + name.count + 4 <= 70 { return ["\(name)=\"\(value)\""] }
            let pieces = stride(from: 0, to: value.count, by: 50).map { start -> String in
                let from = value.index(value.startIndex, offsetBy: start)
                let to = value.index(from, offsetBy: min(50, value.count - start))
                return String(value[from..<to])
            }
            return pieces.enumerated().map { "\(name)*\($0.offset)=\"\($0.element)\"" }
        }
        var encodedPieces: [String] = []
        var current = ""
        for character in value {
            var escaped = ""
            for byte in String(character).utf8 {
                let scalar = Unicode.Scalar(byte)
                let attrChar =
                    byte < 0x80
                    && (Character(scalar).isLetter || Character(scalar).isNumber
                        || "!#$&+-.^_`|~".contains(Character(scalar)))
                escaped += attrChar ? String(Character(scalar)) : String(format: "%%%02X", byte)
            }
            if current.count + escaped.count > 48, !current.isEmpty {
                encodedPieces.append(current)
                current = ""
            }
            current += escaped
        }
        if !current.isEmpty { encodedPieces.append(current) }
        return encodedPieces.enumerated().map {
            "\(name)*\($0.offset)*=" + ($0.offset == 0 ? "utf-8''" : "") + $0.element
        }
    }

    /// "a", "b", "c" → "a;", "b;", "c": parameters separated by semicolons, folded after them.
    static func withSemicolons(_ tokens: [String]) -> [String] {
        tokens.enumerated().map { $0.offset < tokens.count - 1 ? $0.element + ";" : $0.element }
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
        let nameWords = MailMessage.headerWords(MailMessage.clean(fromName), plainAllowed: MailMessage.isPlainPhrase)
        var headers = [
            MailMessage.folded("From", nameWords + ["<\(MailMessage.clean(from))>"]),
            "To: <\(MailMessage.clean(to))>",
            MailMessage.folded("Subject", MailMessage.headerWords(MailMessage.clean(subject))),
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
            let type = file.safeContentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            let typeTokens = type + MailMessage.parameter("name", file.safeFilename)
            let disposition = ["attachment"] + MailMessage.parameter("filename", file.keptFilename)
            out += "--\(boundary)\r\n"
            out += MailMessage.folded("Content-Type", MailMessage.withSemicolons(typeTokens)) + "\r\n"
            out += MailMessage.folded("Content-Disposition", MailMessage.withSemicolons(disposition)) + "\r\n"
            out += "Content-Transfer-Encoding: base64\r\n\r\n"
            out += MailMessage.base64Lines(file.data) + "\r\n"
        }
        return out + "--\(boundary)--\r\n"
    }
}
