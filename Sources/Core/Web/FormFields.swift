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
            if name.hasSuffix("[]") { lists[String(name.dropLast(2)), default: []].append(value) } else { fields[name] = value }
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
            guard parts.count == 2, Self.formDecode(parts[0]) == name else { continue }
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

    static func formDecode(_ raw: Substring) -> String {
        guard raw.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(raw) }
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
