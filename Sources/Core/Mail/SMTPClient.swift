import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client on SwiftNIO: EHLO, optional STARTTLS or implicit TLS, AUTH PLAIN,
/// MAIL FROM, RCPT TO, DATA, QUIT. One connection per mail; the worker retries on failure.
public struct SMTPClient: MailTransport {
    public let settings: AppConfig.SMTP
    public let group: any EventLoopGroup
    public let timeout: TimeAmount

    public init(settings: AppConfig.SMTP, group: any EventLoopGroup, timeout: TimeAmount = .seconds(30)) {
        self.settings = settings; self.group = group; self.timeout = timeout
    }

    public var sender: String { settings.from }

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
        public let kind: MailFailureKind
        public init(description: String, kind: MailFailureKind) {
            self.description = description; self.kind = kind
        }
        /// A refusal of the mail itself: trying it again as it is will not help.
        public var permanent: Bool { kind == .refused }

        /// What an unexpected reply `code` at `step` means. A 5xx to `MAIL FROM`, `RCPT TO`,
        /// `DATA` or the end of the message refuses this mail; a 5xx anywhere else (greeting,
        /// EHLO, STARTTLS, AUTH) says the server or our settings are wrong, not the mail; a 4xx
        /// is temporary.
        public static func kind(code: Int, step: SMTPStep) -> MailFailureKind {
            guard (500..<600).contains(code) else { return .temporary }
            // "Authentication required / invalid / too weak / encryption required" (RFC 4954), at
            // whatever step the server says it: our settings, not the mail.
            if [530, 534, 535, 538].contains(code) { return .configuration }
            return step.concernsTheMail ? .refused : .configuration
        }
    }

    public func send(_ message: MailMessage) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.converse(message) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(self.timeout.nanoseconds))
                throw Failure(description: "SMTP: délai dépassé", kind: .temporary)
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func tlsHandler() throws -> NIOSSLClientHandler {
        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
        return try NIOSSLClientHandler(context: context, serverHostname: settings.host)
    }

    private func converse(_ message: MailMessage) async throws {
        do {
            try await conversation(message)
        } catch let failure as Failure {
            throw failure
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Connecting, resolving the host, the TLS handshake: the server or the settings, never the mail.
            throw Failure(description: "SMTP: \(error)", kind: .configuration)
        }
    }

    private func conversation(_ message: MailMessage) async throws {
        let implicitTLS = settings.security == .tls
        let host = settings.host
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS {
                        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: context, serverHostname: host))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var replies = SMTPReplyReader(iterator: inbound.makeAsyncIterator())
            func command(_ line: String, _ step: SMTPStep, expect codes: Set<Int>) async throws -> SMTPReply {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                return try await replies.expect(codes, after: line, step: step)
            }
            _ = try await replies.expect([220], after: "connexion", step: .greeting)
            let ehloName = "agora.localhost"
            var ehlo = try await command("EHLO \(ehloName)", .ehlo, expect: [250])
            if settings.security == .starttls {
                guard ehlo.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw Failure(description: "SMTP: le serveur ne propose pas STARTTLS", kind: .configuration)
                }
                _ = try await command("STARTTLS", .starttls, expect: [220])
                try await channel.channel.pipeline.addHandler(try tlsHandler(), position: .first).get()
                ehlo = try await command("EHLO \(ehloName)", .ehlo, expect: [250])
            }
            if let username = settings.username, let password = settings.password {
                let token = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
                try await outbound.write(ByteBuffer(string: "AUTH PLAIN \(token)\r\n"))
                _ = try await replies.expect([235], after: "AUTH PLAIN", step: .auth)
            }
            _ = try await command("MAIL FROM:<\(message.from)>", .mailFrom, expect: [250])
            _ = try await command("RCPT TO:<\(message.to)>", .rcptTo, expect: [250, 251])
            _ = try await command("DATA", .data, expect: [354])
            try await outbound.write(ByteBuffer(string: SMTPClient.dotStuffed(message.rendered()) + ".\r\n"))
            _ = try await replies.expect([250], after: "fin du message", step: .endOfData)
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
            _ = try? await replies.next()
        }
    }

    /// Lines starting with a dot get a second one (RFC 5321 §4.5.2).
    public static func dotStuffed(_ text: String) -> String {
        var lines = text.components(separatedBy: "\r\n")
        for index in lines.indices where lines[index].hasPrefix(".") { lines[index] = "." + lines[index] }
        return lines.joined(separator: "\r\n")
    }
}

public struct SMTPReply: Sendable, Equatable {
    public let code: Int
    public let lines: [String]
}

/// Reads SMTP replies (possibly multi-line: "250-…" then "250 …") from a byte stream.
public struct SMTPReplyReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending = ""

    init(iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

    mutating func nextLine() async throws -> String {
        while true {
            if let range = pending.range(of: "\r\n") ?? pending.range(of: "\n") {
                let line = String(pending[..<range.lowerBound])
                pending.removeSubrange(..<range.upperBound)
                return line
            }
            guard var buffer = try await iterator.next() else {
                throw SMTPClient.Failure(description: "SMTP: connexion fermée par le serveur", kind: .temporary)
            }
            pending += buffer.readString(length: buffer.readableBytes) ?? ""
        }
    }

    mutating func next() async throws -> SMTPReply {
        var lines: [String] = []
        while true {
            let line = try await nextLine()
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                throw SMTPClient.Failure(description: "SMTP: réponse illisible « \(line) »", kind: .temporary)
            }
            lines.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] != "-" {
                return SMTPReply(code: code, lines: lines)
            }
        }
    }

    mutating func expect(_ codes: Set<Int>, after line: String, step: SMTPStep) async throws -> SMTPReply {
        let reply = try await next()
        guard codes.contains(reply.code) else {
            let shownStep = line.hasPrefix("AUTH") ? "AUTH" : line
            throw SMTPClient.Failure(
                description: "SMTP: \(shownStep) → \(reply.code) \(reply.lines.joined(separator: " "))",
                kind: SMTPClient.Failure.kind(code: reply.code, step: step))
        }
        return reply
    }
}

/// The steps of an SMTP conversation, to tell a refusal of the mail from a failure of the server
/// or of the settings.
public enum SMTPStep: Sendable, Equatable {
    case greeting, ehlo, starttls, auth, mailFrom, rcptTo, data, endOfData

    /// Whether a refusal at this step is about this mail (its sender, its recipient, its content).
    public var concernsTheMail: Bool {
        switch self {
        case .mailFrom, .rcptTo, .data, .endOfData: true
        case .greeting, .ehlo, .starttls, .auth: false
        }
    }
}
