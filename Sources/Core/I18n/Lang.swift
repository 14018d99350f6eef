/// The interface language. French first, English second.
public enum Lang: String, Sendable, CaseIterable {
    case fr, en

    /// Picks a language from the `lang` query parameter, then the `lang` cookie, then the
    /// browser's Accept-Language; French when nothing says otherwise.
    public static func negotiate(query: String?, cookie: String?, acceptLanguage: String?) -> Lang {
        if let query, let lang = Lang(rawValue: query) { return lang }
        if let cookie, let lang = Lang(rawValue: cookie) { return lang }
        if let accept = acceptLanguage?.lowercased() {
            // The first language the browser names that we speak wins.
            for part in accept.split(separator: ",") {
                let code = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                if code.hasPrefix("fr") { return .fr }
                if code.hasPrefix("en") { return .en }
            }
        }
        return .fr
    }

    public var other: Lang { self == .fr ? .en : .fr }
    /// The language's name in that language (for the switch link).
    public var endonym: String { self == .fr ? "Français" : "English" }
}

/// A piece of interface text in both languages, written side by side where it is used.
public struct Text: Sendable, Equatable {
    public let fr: String
    public let en: String
    public init(_ fr: String, _ en: String) { self.fr = fr; self.en = en }
    public func `in`(_ lang: Lang) -> String { lang == .fr ? fr : en }
}

import Foundation
