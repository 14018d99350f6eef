import Foundation
import Crypto

/// Random tokens, hashes and signatures. Tokens sent to people are random; only their SHA-256
/// is stored, so a leaked table does not open accounts.
public enum Tokens {
    /// A URL-safe random token with `bytes` bytes of entropy.
    public static func random(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        var raw = [UInt8](repeating: 0, count: bytes)
        var index = 0
        while index < bytes {
            var word = generator.next() as UInt64
            for _ in 0..<min(8, bytes - index) {
                raw[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return base64URL(raw)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    public static func sha256Hex(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(text.utf8)) {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let base64URLAlphabet = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Base64url without padding (RFC 4648 §5), written by hand: it runs on every page request.
    public static func base64URL<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity((input.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(base64URLAlphabet[Int(n >> 18 & 63)])
            out.append(base64URLAlphabet[Int(n >> 12 & 63)])
            out.append(base64URLAlphabet[Int(n >> 6 & 63)])
            out.append(base64URLAlphabet[Int(n & 63)])
            i += 3
        }
        let rest = input.count - i
        if rest > 0 {
            let n = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
            out.append(base64URLAlphabet[Int(n >> 18 & 63)])
            out.append(base64URLAlphabet[Int(n >> 12 & 63)])
            if rest == 2 { out.append(base64URLAlphabet[Int(n >> 6 & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
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
            verify(value, signature: parts[1], purpose: purpose)
        else { return nil }
        return value
    }
}
