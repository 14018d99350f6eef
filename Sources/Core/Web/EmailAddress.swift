import Foundation

/// A pragmatic e-mail address check: one @, a non-empty local part, a dotted domain, no spaces.
/// The real proof that an address works is the confirmation mail.
public enum EmailAddress {
    public static func normalize(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    public static func isValid(_ raw: String) -> Bool {
        let address = raw.trimmingCharacters(in: .whitespaces)
        guard address.count <= 254,
            !address.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
        else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else {
            return false
        }
        return labels.last!.count >= 2
    }
}
