import Vapor

extension Request {
    /// The submitted form as name → value (the last value wins; missing checkboxes are absent).
    public func formFields() -> [String: String] {
        var fields = (try? content.decode([String: String].self)) ?? [:]
        fields.removeValue(forKey: "_csrf")
        return fields
    }
}

extension Request {
    /// The query string as name → value (the last value wins), parsed by hand: the generic
    /// `Decodable` path costs several percent of a page (measured with perf on the proposals list).
    public func queryFields() -> [String: String] {
        guard let query = url.query, !query.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in query.split(separator: "&") {
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
