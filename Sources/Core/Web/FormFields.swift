import Vapor

extension Request {
    /// The submitted form as name → value (the last value wins; missing checkboxes are absent).
    public func formFields() -> [String: String] {
        var fields = (try? content.decode([String: String].self)) ?? [:]
        fields.removeValue(forKey: "_csrf")
        return fields
    }
}
