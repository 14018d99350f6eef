import Foundation

/// An attached file is checked by its content, never by its name: JPEG, PNG or PDF, 5 MB at most.
public enum AttachmentCheck {
    public static let maxBytes = 5 * 1024 * 1024

    public enum Kind: String, Sendable { case jpeg = "image/jpeg", png = "image/png", pdf = "application/pdf" }

    public static func kind(of bytes: [UInt8]) -> Kind? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        return nil
    }

    /// A file name safe to show and to send back in Content-Disposition.
    public static func safeName(_ raw: String, kind: Kind) -> String {
        let base = raw.split(separator: "/").last.map(String.init) ?? "document"
        let cleaned = String(
            base.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || "-_. ".unicodeScalars.contains($0) }
                .map(Character.init)
        ).trimmingCharacters(in: .whitespaces)
        let stem = (cleaned.split(separator: ".").dropLast().joined(separator: ".")).prefix(60)
        let ext =
            switch kind {
            case .jpeg: "jpg";
            case .png: "png";
            case .pdf: "pdf"
            }
        return (stem.isEmpty ? "document" : String(stem)) + "." + ext
    }

    /// Why an upload is refused, in words for the person.
    public enum Refusal: Error, Equatable {
        case tooLarge, notAllowed
        public var message: Text {
            switch self {
            case .tooLarge:
                Text(
                    "Ce fichier dépasse 5 Mo. Réduisez-le ou envoyez-en un autre.",
                    "This file is over 5 MB. Make it smaller or send another.")
            case .notAllowed:
                Text(
                    "Ce fichier n'est ni une image JPEG ou PNG, ni un PDF (nous vérifions son contenu, pas son nom).",
                    "This file is neither a JPEG or PNG image nor a PDF (we check its content, not its name).")
            }
        }
    }

    /// An upload checked: its kind (by content) and a safe name, or why it is refused.
    public static func check(_ bytes: [UInt8], filename: String) -> Result<(kind: Kind, name: String), Refusal> {
        if bytes.count > maxBytes { return .failure(.tooLarge) }
        guard let kind = kind(of: bytes) else { return .failure(.notAllowed) }
        return .success((kind, safeName(filename, kind: kind)))
    }
}
