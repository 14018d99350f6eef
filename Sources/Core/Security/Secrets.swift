import Foundation
import Crypto

/// Random tokens, hashes and signatures. Tokens sent to people are random; only their SHA-256
/// is stored, so a leaked table does not open accounts.
public enum Tokens {
    /// A URL-safe random token with `bytes` bytes of entropy.
    public static func random(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return base64URL(data)
    }

    public static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func fromBase64URL(_ text: String) -> Data? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base)
    }

    /// Compares two strings in time that does not depend on where they differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// Signs short values with the platform's secret key (HMAC-SHA256).
public struct Signer: Sendable {
    private let key: SymmetricKey
    public init(secret: String) { key = SymmetricKey(data: Data(secret.utf8)) }

    public func signature(_ value: String, purpose: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data((purpose + "|" + value).utf8), using: key)
        return Tokens.base64URL(Data(mac))
    }

    public func verify(_ value: String, signature: String, purpose: String) -> Bool {
        Tokens.constantTimeEquals(self.signature(value, purpose: purpose), signature)
    }

    /// `value.signature`, for cookies that carry data the server must trust.
    public func seal(_ value: String, purpose: String) -> String {
        Tokens.base64URL(Data(value.utf8)) + "." + signature(value, purpose: purpose)
    }

    public func unseal(_ sealed: String, purpose: String) -> String? {
        let parts = sealed.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let data = Tokens.fromBase64URL(parts[0]),
              let value = String(data: data, encoding: .utf8),
              verify(value, signature: parts[1], purpose: purpose) else { return nil }
        return value
    }
}
