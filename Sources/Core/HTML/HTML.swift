/// A fragment of HTML that is safe to send to a browser.
///
/// Interpolating a `String` (or any number) escapes it; interpolating another `HTML` inserts it
/// as is. The only way to insert unescaped text is `HTML(unsafeRaw:)`, which should be rare and
/// obvious in review.
public struct HTML: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public private(set) var rendered: String

    public init(unsafeRaw: String) { rendered = unsafeRaw }
    public init() { rendered = "" }
    public init(stringLiteral value: String) { rendered = value }
    public init(stringInterpolation: Interpolation) { rendered = stringInterpolation.output }

    public var description: String { rendered }
    public var isEmpty: Bool { rendered.isEmpty }

    public static let empty = HTML()

    public mutating func append(_ other: HTML) { rendered += other.rendered }
    public mutating func append(text: String) { HTML.escape(text, into: &rendered) }

    public static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(unsafeRaw: lhs.rendered + rhs.rendered) }

    /// Joins fragments, optionally separated by another fragment.
    public static func join<S: Sequence>(_ parts: S, separator: HTML = .empty) -> HTML where S.Element == HTML {
        var out = ""
        var first = true
        for part in parts {
            if !first { out += separator.rendered }
            out += part.rendered
            first = false
        }
        return HTML(unsafeRaw: out)
    }

    public struct Interpolation: StringInterpolationProtocol {
        var output: String
        public init(literalCapacity: Int, interpolationCount: Int) {
            output = ""
            output.reserveCapacity(literalCapacity + interpolationCount * 16)
        }
        public mutating func appendLiteral(_ literal: String) { output += literal }
        public mutating func appendInterpolation(_ text: String) { HTML.escape(text, into: &output) }
        public mutating func appendInterpolation(_ text: Substring) { HTML.escape(String(text), into: &output) }
        public mutating func appendInterpolation(_ html: HTML) { output += html.rendered }
        public mutating func appendInterpolation(_ html: HTML?) { if let html { output += html.rendered } }
        public mutating func appendInterpolation(_ value: Int) { output += String(value) }
        public mutating func appendInterpolation<S: Sequence>(each parts: S) where S.Element == HTML {
            for part in parts { output += part.rendered }
        }
        /// An attribute value that appears only when `condition` holds, e.g. `\(attr: "checked", when: on)`.
        public mutating func appendInterpolation(attr name: String, when condition: Bool) {
            if condition { output += " " + name }
        }
    }

    /// Escapes the five characters that matter in text and in quoted attribute values.
    public static func escape(_ text: String, into out: inout String) {
        var needsEscape = false
        for byte in text.utf8 where byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27 {
            needsEscape = true
            break
        }
        guard needsEscape else { out += text; return }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    public static func escaped(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }
}
