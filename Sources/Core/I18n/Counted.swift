/// A number with its noun, in both languages: French takes the singular for 0 and 1 ("0 siège",
/// "1 siège", "3 sièges"), English only for 1 ("0 seats", "1 seat").
public enum Counted {
    public static func text(_ n: Int, fr: (one: String, many: String), en: (one: String, many: String)) -> Text {
        Text("\(n) " + (n > 1 ? fr.many : fr.one), "\(n) " + (n == 1 ? en.one : en.many))
    }
}
