import Vapor

extension Request {
    /// The submitted form as name → value (the last value wins; missing checkboxes are absent).
    /// Repeated fields (`NAME[]`, read with `formLists`) are left out, so that a form with
    /// checkboxes still gives its single fields.
    public func formFields() -> [String: String] {
        var fields: [String: String]
        if content.contentType == .urlEncodedForm, let text = body.string {
            fields = Self.formPairs(text[...]).filter { !$0.key.hasSuffix("[]") }
        } else {
            fields = (try? content.decode([String: String].self)) ?? [:]
        }
        fields.removeValue(forKey: "_csrf")
        return fields
    }
}

extension Request {
    /// The repeated fields of a submitted form (checkboxes named `NAME[]`), by name.
    public func formLists(_ names: [String]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for name in names { out[name] = (try? content.get([String].self, at: name)) ?? [] }
        return out
    }
}

extension Request {
    /// The query string as name → value (the last value wins), parsed by hand: the generic
    /// `Decodable` path costs several percent of a page (measured with perf on the proposals list).
    public func queryFields() -> [String: String] {
        guard let query = url.query, !query.isEmpty else { return [:] }
        return Self.formPairs(query[...])
    }

    /// A URL-encoded form read once, by hand: its single fields (the last value wins) and its
    /// repeated fields `NAME[]`, by NAME in order. Forms with many fields (a questionnaire) pay one
    /// parse instead of one generic decoding per list.
    public func formFieldsAndLists() -> (fields: [String: String], lists: [String: [String]]) {
        guard content.contentType == .urlEncodedForm, let text = body.string else { return (formFields(), [:]) }
        var fields: [String: String] = [:]
        var lists: [String: [String]] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first else { continue }
            let name = Self.formDecode(rawName)
            let value = parts.count > 1 ? Self.formDecode(parts[1]) : ""
            if name.hasSuffix("[]") {
                lists[String(name.dropLast(2)), default: []].append(value)
            } else {
                fields[name] = value
            }
        }
        fields.removeValue(forKey: "_csrf")
        return (fields, lists)
    }

    /// The CSRF token of a URL-encoded body, read by hand (the generic decoder costs a large
    /// share of a long form's request).
    func urlEncodedField(_ name: String) -> String? {
        guard content.contentType == .urlEncodedForm, let text = body.string else { return nil }
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name || (parts[0].contains("%") && Self.formDecode(parts[0]) == name)
            else { continue }
            return Self.formDecode(parts[1])
        }
        return nil
    }

    /// `a=1&b=x+y` as name → value, the last value winning.
    static func formPairs(_ text: Substring) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first else { continue }
            let name = Self.formDecode(rawName)
            out[name] = parts.count > 1 ? Self.formDecode(parts[1]) : ""
        }
        return out
    }

    /// Decodes `+` and `%XX` by hand over the bytes (Foundation's `removingPercentEncoding` was a
    /// tenth of the time of a long form's request); a malformed escape is kept as typed.
    static func formDecode(_ raw: Substring) -> String {
        guard raw.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else {
            return String(raw)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        var iterator = Array(raw.utf8)[...]
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2, let high = hex(iterator[iterator.startIndex]),
                let low = hex(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator.removeFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
