import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client on SwiftNIO: EHLO, optional STARTTLS or implicit TLS, AUTH PLAIN,
/// MAIL FROM, RCPT TO, DATA, QUIT. One connection per mail; the worker retries on failure.
public struct SMTPClient: Sendable {
    public let settings: AppConfig.SMTP
    public let group: any EventLoopGroup
    public let timeout: TimeAmount

    public init(settings: AppConfig.SMTP, group: any EventLoopGroup, timeout: TimeAmount = .seconds(30)) {
        self.settings = settings; self.group = group; self.timeout = timeout
    }

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
        /// A 5xx answer: trying again will not help.
        public let permanent: Bool
    }

    public func send(_ message: MailMessage) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.converse(message) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(self.timeout.nanoseconds))
                throw Failure(description: "SMTP: délai dépassé", permanent: false)
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
            func command(_ line: String, expect codes: Set<Int>) async throws -> SMTPReply {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                return try await replies.expect(codes, after: line)
            }
            _ = try await replies.expect([220], after: "connexion")
            let ehloName = "agora.localhost"
            var ehlo = try await command("EHLO \(ehloName)", expect: [250])
            if settings.security == .starttls {
                guard ehlo.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw Failure(description: "SMTP: le serveur ne propose pas STARTTLS", permanent: true)
                }
                _ = try await command("STARTTLS", expect: [220])
                try await channel.channel.pipeline.addHandler(try tlsHandler(), position: .first).get()
                ehlo = try await command("EHLO \(ehloName)", expect: [250])
            }
            if let username = settings.username, let password = settings.password {
                let token = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
                try await outbound.write(ByteBuffer(string: "AUTH PLAIN \(token)\r\n"))
                _ = try await replies.expect([235], after: "AUTH PLAIN")
            }
            _ = try await command("MAIL FROM:<\(message.from)>", expect: [250])
            _ = try await command("RCPT TO:<\(message.to)>", expect: [250, 251])
            _ = try await command("DATA", expect: [354])
            try await outbound.write(ByteBuffer(string: SMTPClient.dotStuffed(message.rendered()) + ".\r\n"))
            _ = try await replies.expect([250], after: "fin du message")
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
                throw SMTPClient.Failure(description: "SMTP: connexion fermée par le serveur", permanent: false)
            }
            pending += buffer.readString(length: buffer.readableBytes) ?? ""
        }
    }

    mutating func next() async throws -> SMTPReply {
        var lines: [String] = []
        while true {
            let line = try await nextLine()
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                throw SMTPClient.Failure(description: "SMTP: réponse illisible « \(line) »", permanent: false)
            }
            lines.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] != "-" {
                return SMTPReply(code: code, lines: lines)
            }
        }
    }

    mutating func expect(_ codes: Set<Int>, after step: String) async throws -> SMTPReply {
        let reply = try await next()
        guard codes.contains(reply.code) else {
            let shownStep = step.hasPrefix("AUTH") ? "AUTH" : step
            throw SMTPClient.Failure(
                description: "SMTP: \(shownStep) → \(reply.code) \(reply.lines.joined(separator: " "))",
                permanent: (500..<600).contains(reply.code))
        }
        return reply
    }
}
