/// RFC 4180 CSV: fields separated by a delimiter, optionally quoted, quotes doubled inside quotes.
public enum CSV {
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "ligne \(line) : \(message)" }
    }

    /// Parses text into rows of fields; each row keeps the line number where it starts.
    public static func parse(_ text: String, delimiter: Character = ",") throws -> [(line: Int, fields: [String])] {
        var rows: [(Int, [String])] = []
        var field = "", fields: [String] = []
        var inQuotes = false, quotedField = false
        var line = 1, rowStart = 1
        var iterator = text.replacingOccurrences(of: "\r\n", with: "\n").makeIterator()
        var pending: Character? = iterator.next()
        if pending == "\u{FEFF}" { pending = iterator.next() }  // byte order mark
        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) { rows.append((rowStart, fields)) }
            fields = []; field = ""; quotedField = false
        }
        while let char = pending {
            pending = iterator.next()
            if inQuotes {
                if char == "\"" {
                    if pending == "\"" { field.append("\""); pending = iterator.next() } else { inQuotes = false }
                } else {
                    if char == "\n" { line += 1 }
                    field.append(char)
                }
                continue
            }
            switch char {
            case "\"" where field.isEmpty && !quotedField:
                inQuotes = true; quotedField = true
            case "\"":
                throw ParseError(line: line, message: "guillemet inattendu au milieu d'un champ")
            case delimiter:
                fields.append(field); field = ""; quotedField = false
            case "\n":
                endRow(); line += 1; rowStart = line
            case "\r":
                continue
            default:
                field.append(char)
            }
        }
        if inQuotes { throw ParseError(line: rowStart, message: "guillemet ouvert jamais fermé") }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRow() }
        return rows
    }

    /// One CSV line (without the line break), quoting fields that need it.
    public static func line(_ fields: [String], delimiter: Character = ",") -> String {
        fields.map { field in
            if field.contains(delimiter) || field.contains("\"") || field.contains("\n") || field.contains("\r") {
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return field
        }.joined(separator: String(delimiter))
    }

    /// A cell a spreadsheet would run as a formula (=, +, -, @ first) starts with an apostrophe.
    public static func inert(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        return "'" + cell
    }
}
