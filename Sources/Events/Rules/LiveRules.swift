import Core
import Foundation

/// Live participation: what a contribution may be, how often, when it is refused, how a ranking is
/// scored, and how a result becomes the start of a proposal. Pure functions (unit-tested).
public enum LiveRules {
    /// Contributions per participant (cookie) per `window` seconds.
    public static let limit = 5
    /// Contributions per client address per `window` seconds, by default (`AGORA_LIVE_ADDRESS_LIMIT`):
    /// a whole room may share one address (the venue's Wi-Fi, 500 people voting within a minute),
    /// so this only stops a client that drops its cookie to escape `limit`.
    public static let addressLimit = 600
    public static let window: TimeInterval = 60
    public static let maxIdeaLength = 280
    /// A ranking asks for a top 3: 3 points for the first choice, 2 for the second, 1 for the third.
    public static let rankSize = 3
    public static let rankingOptions = 3...10
    /// Contributions stay possible this long after the event's end (a workshop running late).
    public static let grace: TimeInterval = 12 * 3600
    /// The Proposals room's title limit (`ProposalInput.titleMax`).
    public static let proposalTitleMax = 120

    public static func idea(_ text: String, lang: Lang, field: String = "idea") -> Result<String, FormErrorsBox> {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = FormErrors()
        if value.isEmpty {
            errors.add(field, Text("Écrivez votre idée.", "Write your idea.").in(lang))
        } else if value.count > maxIdeaLength {
            errors.add(
                field, Text("\(maxIdeaLength) caractères au plus.", "\(maxIdeaLength) characters at most.").in(lang))
        }
        return errors.isEmpty ? .success(value) : .failure(FormErrorsBox(errors))
    }

    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The options of a poll, one a line: 2 to 10, each 1 to 120 characters, no duplicate.
    public static func pollOptions(_ text: String, lang: Lang) -> Result<[String], FormErrorsBox> {
        var errors = FormErrors()
        let options = lines(text)
        if options.count < 2 || options.count > 10 {
            errors.add(
                "options",
                Text(
                    "Écrivez de 2 à 10 réponses possibles, une par ligne.",
                    "Write 2 to 10 possible answers, one a line."
                ).in(lang))
        } else if options.contains(where: { $0.count > 120 }) {
            errors.add(
                "options",
                Text("Une réponse fait 120 caractères au plus.", "An answer is 120 characters at most.").in(lang))
        } else if Set(options.map { $0.lowercased() }).count != options.count {
            errors.add("options", Text("Deux réponses sont identiques.", "Two answers are the same.").in(lang))
        }
        return errors.isEmpty ? .success(options) : .failure(FormErrorsBox(errors))
    }

    /// The options of a ranking: the ideas chosen from a wall (in their order), then the options
    /// typed one a line; 3 to 10 in all, each at most `maxIdeaLength` characters, no duplicate.
    public static func rankingOptions(chosen: [String], typed: String, lang: Lang) -> Result<[String], FormErrorsBox> {
        var errors = FormErrors()
        let options =
            chosen.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty } + lines(typed)
        if !rankingOptions.contains(options.count) {
            errors.add(
                "options",
                Text(
                    "Un classement porte sur 3 à 10 options : cochez des idées d'un mur ou écrivez les options, une par ligne (\(options.count) pour le moment).",
                    "A ranking has 3 to 10 options: tick ideas of a wall or write the options, one a line (\(options.count) so far)."
                ).in(lang))
        } else if options.contains(where: { $0.count > maxIdeaLength }) {
            errors.add(
                "options",
                Text(
                    "Une option fait \(maxIdeaLength) caractères au plus.",
                    "An option is \(maxIdeaLength) characters at most."
                ).in(lang))
        } else if Set(options.map { $0.lowercased() }).count != options.count {
            errors.add("options", Text("Deux options sont identiques.", "Two options are the same.").in(lang))
        }
        return errors.isEmpty ? .success(options) : .failure(FormErrorsBox(errors))
    }

    /// A participant's top 3: `picks[i]` is the option chosen for rank i + 1 (as sent by the
    /// form), `fields[i]` the field its message goes next to. Every rank is required (as many as
    /// there are options, at most 3), each an option of the ranking, never the same one twice.
    /// Returns the option ids, first choice first.
    public static func ranking(
        _ picks: [String?], valid: [Int], fields: [String], lang: Lang
    ) -> Result<[Int], FormErrorsBox> {
        var errors = FormErrors()
        var chosen: [Int] = []
        let needed = min(rankSize, valid.count)
        for rank in 0..<needed {
            let field = rank < fields.count ? fields[rank] : "rank_\(rank + 1)"
            let text = (rank < picks.count ? picks[rank] : nil)?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !text.isEmpty else {
                errors.add(
                    field,
                    Text(
                        "Choisissez votre \(ordinal(rank + 1, lang: .fr)) choix.",
                        "Choose your \(ordinal(rank + 1, lang: .en)) choice."
                    ).in(lang))
                continue
            }
            guard let id = Int(text), valid.contains(id) else {
                errors.add(
                    field, Text("Choisissez une option de la liste.", "Choose an option from the list.").in(lang))
                continue
            }
            if let earlier = chosen.firstIndex(of: id) {
                errors.add(
                    field,
                    Text(
                        "Vous avez déjà mis cette option en \(ordinal(earlier + 1, lang: .fr)) choix : choisissez-en une autre.",
                        "You already put this option as your \(ordinal(earlier + 1, lang: .en)) choice: choose another one."
                    ).in(lang))
                continue
            }
            chosen.append(id)
        }
        return errors.isEmpty ? .success(chosen) : .failure(FormErrorsBox(errors))
    }

    /// "1er", "2e", "3e" / "first", "second", "third".
    public static func ordinal(_ n: Int, lang: Lang) -> String {
        if lang == .en {
            return ["first", "second", "third"].indices.contains(n - 1) ? ["first", "second", "third"][n - 1] : "#\(n)"
        }
        return n == 1 ? "1er" : "\(n)e"
    }

    /// Borda points of a rank (1-based): 3, 2, 1, then nothing.
    public static func points(rank: Int) -> Int { (1...rankSize).contains(rank) ? rankSize + 1 - rank : 0 }

    /// How many participants put `option` at `rank` (1-based).
    public struct RankCount: Sendable, Equatable {
        public let option: Int
        public let rank: Int
        public let count: Int
        public init(option: Int, rank: Int, count: Int) { self.option = option; self.rank = rank; self.count = count }
    }

    public struct Score: Sendable, Equatable {
        public let option: Int
        public let points: Int
        /// Participants who put it first (breaks a tie of points).
        public let firsts: Int
        /// Participants who put it anywhere in their top 3.
        public let mentions: Int
        public init(option: Int, points: Int, firsts: Int, mentions: Int) {
            self.option = option; self.points = points; self.firsts = firsts; self.mentions = mentions
        }
    }

    /// The Borda score of every option (in `options` order when tied on points and first places):
    /// the highest first.
    public static func borda(options: [Int], counts: [RankCount]) -> [Score] {
        let scores = options.map { option -> Score in
            let mine = counts.filter { $0.option == option && (1...rankSize).contains($0.rank) }
            return Score(
                option: option, points: mine.reduce(0) { $0 + points(rank: $1.rank) * $1.count },
                firsts: mine.filter { $0.rank == 1 }.reduce(0) { $0 + $1.count },
                mentions: mine.reduce(0) { $0 + $1.count })
        }
        let order = Dictionary(uniqueKeysWithValues: options.enumerated().map { ($1, $0) })
        return scores.sorted {
            if $0.points != $1.points { return $0.points > $1.points }
            if $0.firsts != $1.firsts { return $0.firsts > $1.firsts }
            return order[$0.option, default: 0] < order[$1.option, default: 0]
        }
    }

    /// Why no contribution is taken any more, whatever the activity: a draft, a cancelled event,
    /// or one that ended more than `grace` ago.
    public enum Closed: Sendable, Equatable {
        case draft, cancelled, over

        public var message: Text {
            switch self {
            case .draft:
                Text(
                    "Cette rencontre n'est pas publiée : elle ne reçoit pas encore de contributions.",
                    "This event is not published: it takes no contributions yet.")
            case .cancelled:
                Text(
                    "Cette rencontre est annulée : elle ne reçoit plus de contributions.",
                    "This event is cancelled: it takes no more contributions.")
            case .over:
                Text(
                    "Cette rencontre est terminée : les contributions sont closes. Merci de votre participation.",
                    "This event is over: contributions are closed. Thank you for taking part.")
            }
        }
    }

    public static func closed(status: EventStatus, endsAt: Date, now: Date) -> Closed? {
        switch status {
        case .draft: return .draft
        case .cancelled: return .cancelled
        case .published: return now.timeIntervalSince(endsAt) > grace ? .over : nil
        }
    }

    // MARK: - The participant cookie, issued and signed by the server

    /// New participants (cookies issued) per client address per `newParticipantWindow`, by default
    /// (`AGORA_LIVE_NEW_PARTICIPANT_LIMIT`): a full room sharing one address (300 people, a few
    /// opening the page on two phones) stays under it; a script that drops its cookie to vote
    /// again gets no more identities than that.
    public static let newParticipantLimit = 400
    public static let newParticipantWindow: TimeInterval = 3600
    static let cookiePurpose = "live-participant"

    /// What a participant cookie is worth.
    public enum CookieState: Sendable, Equatable {
        /// No cookie: a new participant.
        case none
        /// A cookie the server issued: the participant's token.
        case valid(token: String)
        /// A cookie the server did not issue (invented, changed, or from before cookies were signed).
        case forged
    }

    /// The cookie value of a participant token: the token with the server's signature.
    public static func cookie(token: String, signer: Signer) -> String {
        signer.seal(token, purpose: cookiePurpose)
    }

    public static func cookieState(_ value: String?, signer: Signer) -> CookieState {
        guard let value, !value.isEmpty else { return .none }
        guard value.utf8.count <= 200, let token = signer.unseal(value, purpose: cookiePurpose),
            (32...64).contains(token.count)
        else { return .forged }
        return .valid(token: token)
    }

    /// The refusal of a cookie the server did not issue.
    public static let forgedCookie = Text(
        "Votre cookie de participation n'est pas valable (il n'a pas été délivré par ce site) : rien n'a été compté. Un nouveau cookie vous est donné : envoyez à nouveau votre réponse.",
        "Your participation cookie is not valid (this site did not issue it): nothing was counted. A new cookie is given to you: send your answer again."
    )

    /// The refusal when an address asked for too many new participants.
    public static let tooManyParticipants = Text(
        "Trop de nouvelles participations arrivent de ce réseau : attendez quelques minutes, puis rechargez la page pour participer.",
        "Too many new participants come from this network: wait a few minutes, then reload the page to take part."
    )

    public static func newParticipantKey(_ address: String) -> String { "live-new:" + address }

    /// The keys of the rate limiter for a participant and for a client address.
    public static func limiterKey(participant: String) -> String { "live:" + participant }
    public static func addressKey(_ address: String) -> String { "live-ip:" + address }

    // MARK: - From a result to a proposal

    /// A title of at most `max` characters, cut after a whole word (with "…") when too long.
    public static func proposalTitle(_ text: String, max: Int = proposalTitleMax) -> String {
        let flat = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard flat.count > max else { return flat }
        let room = String(flat.prefix(max - 1))
        var cut = room
        if let space = room.lastIndex(of: " "), room.distance(from: room.startIndex, to: space) >= max / 2 {
            cut = String(room[..<space])
        }
        return cut.trimmingCharacters(in: CharacterSet(charactersIn: " ,;:.-–—")) + "…"
    }

    /// What a result is, for the body of the proposal it starts.
    public enum Origin: Sendable, Equatable {
        case idea(votes: Int)
        case pollAnswer(votes: Int, total: Int)
        case rankingOption(place: Int, points: Int, participants: Int)
    }

    /// The query fields of the Proposals room's new-proposal form (`titre`, `texte`, `themes`,
    /// `communes`, `origine`, `origine_nom`) for a result of a live activity of an event.
    public static func proposalPrefill(
        text: String, origin: Origin, question: String, eventTitle: String, eventDay: String,
        themes: [String], commune: String?
    ) -> [(String, String)] {
        let quoted = text.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
        let what: String
        switch origin {
        case .idea(let votes):
            what =
                "Idée proposée sur le mur d'idées « \(question) »\(votes > 0 ? " (soutenue par \(votes) participant·e\(votes > 1 ? "s" : ""))" : "")"
        case .pollAnswer(let votes, let total):
            what = "Réponse au sondage « \(question) » (\(votes) vote\(votes > 1 ? "s" : "") sur \(total))"
        case .rankingOption(let place, let points, let participants):
            what =
                "Option classée \(place == 1 ? "1re" : "\(place)e") au classement « \(question) » (\(points) point\(points > 1 ? "s" : ""), \(participants) participant·e\(participants > 1 ? "s" : ""))"
        }
        let body = """
            \(what), lors de la rencontre « \(eventTitle) » du \(eventDay) :

            « \(quoted) »

            Précisez le problème, les personnes concernées et ce que vous proposez.
            """
        var fields: [(String, String)] = [("titre", proposalTitle(quoted)), ("texte", body)]
        if !themes.isEmpty { fields.append(("themes", themes.joined(separator: ","))) }
        if let commune, !commune.isEmpty { fields.append(("communes", commune)) }
        fields.append(("origine", "rencontre"))
        fields.append(("origine_nom", String(eventTitle.prefix(200))))
        return fields
    }

    /// The query string of `fields`, every byte but unreserved ASCII percent-encoded.
    public static func query(_ fields: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(
            separator: "&")
    }
}

/// The kinds of live activity, stored by raw value in `event_activities.kind`.
public enum ActivityKind: String, Sendable, CaseIterable, Codable {
    case poll
    case pollMultiple = "poll-multiple"
    case ideas
    case ranking

    public var label: Text {
        switch self {
        case .poll: Text("Sondage", "Poll")
        case .pollMultiple: Text("Sondage à choix multiples", "Multiple-choice poll")
        case .ideas: Text("Mur d'idées", "Idea wall")
        case .ranking: Text("Classement", "Ranking")
        }
    }

    /// Polls and rankings take one answer per participant; an idea wall takes many ideas and votes.
    public var isAnswer: Bool { self != .ideas }
    /// Polls offer options typed by the organiser.
    public var isPoll: Bool { self == .poll || self == .pollMultiple }
}
