import Core
import Foundation

/// A criterion of a call's grid.
public struct Criterion: Sendable, Equatable {
    public let id: Int
    public let label: String
    public let weight: Int
    public init(id: Int, label: String, weight: Int) { self.id = id; self.label = label; self.weight = weight }
}

/// The scoring grid of a call: criteria with weights, each scored from 0 to `maxScore`.
public struct ReviewGrid: Sendable, Equatable {
    public let criteria: [Criterion]
    public let maxScore: Int
    public init(criteria: [Criterion], maxScore: Int) { self.criteria = criteria; self.maxScore = maxScore }

    /// A review's weighted score on 100: Σ(weight × score) / (Σ weight × max) × 100.
    public func weightedScore(_ scores: [Int: Int]) -> Double {
        let weights = criteria.reduce(0) { $0 + $1.weight }
        guard weights > 0, maxScore > 0 else { return 0 }
        let sum = criteria.reduce(0) { $0 + $1.weight * (scores[$1.id] ?? 0) }
        return Double(sum) * 100 / Double(weights * maxScore)
    }

    /// One score per criterion, each an integer in 0...maxScore; a comment of 1000 characters at
    /// most per criterion. Field names: "score-ID", "comment-ID".
    public func validate(
        fields: [String: String], lang: Lang
    ) -> Result<(scores: [Int: Int], comments: [Int: String]), FormErrorsBox> {
        var errors = FormErrors()
        var scores: [Int: Int] = [:], comments: [Int: String] = [:]
        for criterion in criteria {
            let raw = (fields["score-\(criterion.id)"] ?? "").trimmingCharacters(in: .whitespaces)
            if raw.isEmpty {
                errors.add(
                    "score-\(criterion.id)",
                    Text("Donnez une note pour « \(criterion.label) ».", "Give a score for “\(criterion.label)”.").in(
                        lang))
            } else if let value = Int(raw), (0...maxScore).contains(value) {
                scores[criterion.id] = value
            } else {
                errors.add(
                    "score-\(criterion.id)",
                    Text(
                        "La note de « \(criterion.label) » doit être un nombre entier de 0 à \(maxScore).",
                        "The score for “\(criterion.label)” must be a whole number from 0 to \(maxScore)."
                    ).in(lang))
            }
            let comment = (fields["comment-\(criterion.id)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if comment.count > 1000 {
                errors.add(
                    "comment-\(criterion.id)", Text("1000 caractères au plus.", "1000 characters at most.").in(lang))
            }
            comments[criterion.id] = comment
        }
        let known = Set(criteria.map { "score-\($0.id)" })
        if fields.keys.contains(where: { $0.hasPrefix("score-") && !known.contains($0) }) {
            errors.add(
                "grid",
                Text("Cette grille a changé : rechargez la page.", "This grid has changed: reload the page.").in(lang))
        }
        guard errors.isEmpty else { return .failure(FormErrorsBox(errors)) }
        return .success((scores, comments))
    }
}

/// Who may score a submission: a reviewer of its call, not one of its authors, while it is open
/// to review. The answers are the reasons shown to the person.
public enum ReviewRights: Equatable, Sendable {
    case allowed, notReviewerOfCall, ownSubmission, closed

    public static func check(isReviewerOfCall: Bool, isAuthor: Bool, status: ExperienceStatus) -> ReviewRights {
        if !isReviewerOfCall { return .notReviewerOfCall }
        if isAuthor { return .ownSubmission }
        if !status.isOpenToReview { return .closed }
        return .allowed
    }

    public var message: Text {
        switch self {
        case .allowed: Text("", "")
        case .notReviewerOfCall:
            Text("Vous n'êtes pas relecteur·rice de cet appel.", "You are not a reviewer of this call.")
        case .ownSubmission:
            Text(
                "Vous êtes auteur·rice de cette contribution : vous ne pouvez pas l'évaluer.",
                "You are an author of this submission: you cannot review it.")
        case .closed: Text("L'évaluation de cette contribution est close.", "The review of this submission is closed.")
        }
    }

    /// A reviewer sees the others' scores once they have given their own; an organiser who does
    /// not review this call sees them all the time.
    public static func seesOthersScores(hasReviewed: Bool, isReviewerOfCall: Bool, isOrganiser: Bool) -> Bool {
        hasReviewed || (isOrganiser && !isReviewerOfCall)
    }
}

/// The reviews of one submission, summed up for the organisers.
public struct ReviewSummary: Sendable, Equatable {
    public let submissionID: Int
    public let scores: [Double]  // weighted scores on 100, one per review
    public let required: Int

    public init(submissionID: Int, scores: [Double], required: Int) {
        self.submissionID = submissionID; self.scores = scores; self.required = required
    }

    public var mean: Double? { scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count) }
    public var spread: Double { (scores.max() ?? 0) - (scores.min() ?? 0) }
    public var isComplete: Bool { scores.count >= required }
    /// Reviewers disagree when their scores differ by this many points on 100 or more.
    public static let disagreementThreshold = 25.0
    public var disagreement: Bool { scores.count >= 2 && spread >= Self.disagreementThreshold }

    /// Complete reviews first, by mean score (highest first); then incomplete ones; then not yet
    /// reviewed; ties by submission id (the oldest first).
    /// The ranking as one reader may see it: the submissions whose scores they may see (`sees`)
    /// are ranked; the others come after, by id, unranked — their order must say nothing of the
    /// scores hidden from this reader (issue #16: a reviewer who had not scored yet read the
    /// others' scores in the order of the rows).
    public static func ranking(_ summaries: [ReviewSummary], sees: (Int) -> Bool) -> [ReviewSummary] {
        let shown = summaries.filter { sees($0.submissionID) }
        let hidden = summaries.filter { !sees($0.submissionID) }.sorted { $0.submissionID < $1.submissionID }
        return ranking(shown) + hidden
    }

    public static func ranking(_ summaries: [ReviewSummary]) -> [ReviewSummary] {
        summaries.sorted { a, b in
            let ka = a.isComplete ? 0 : (a.scores.isEmpty ? 2 : 1), kb = b.isComplete ? 0 : (b.scores.isEmpty ? 2 : 1)
            if ka != kb { return ka < kb }
            let ma = a.mean ?? -1, mb = b.mean ?? -1
            if ma != mb { return ma > mb }
            return a.submissionID < b.submissionID
        }
    }
}

/// The checked values of the form that opens a call.
public struct CallInput: Sendable, Equatable {
    public var title: String
    public var body: String
    public var window: CallWindow
    public var audience: CallAudience
    public var reviewerEmails: [String]
    public var criteria: [(label: String, weight: Int)]
    public var maxScore: Int
    public var requiredReviews: Int

    public static func == (a: CallInput, b: CallInput) -> Bool {
        a.title == b.title && a.body == b.body && a.window == b.window && a.audience == b.audience
            && a.reviewerEmails == b.reviewerEmails
            && a.criteria.map { "\($0.label)|\($0.weight)" } == b.criteria.map { "\($0.label)|\($0.weight)" }
            && a.maxScore == b.maxScore && a.requiredReviews == b.requiredReviews
    }

    /// Criteria are written one a line, "label ; weight" (weight 1 to 5, 1 when absent).
    public static func validate(
        fields: [String: String], national: Bool, today: Day, lang: Lang
    ) -> Result<CallInput, FormErrorsBox> {
        var errors = FormErrors()
        let title = TextRule.required(
            fields, "title", maxLength: 150, errors: &errors, lang: lang,
            missing: Text("Donnez un titre à l'appel.", "Give the call a title."))
        let body = TextRule.required(
            fields, "body", maxLength: 8000, errors: &errors, lang: lang,
            missing: Text(
                "Présentez l'appel : ce que vous cherchez et pourquoi.",
                "Present the call: what you are looking for and why."))
        let opens = Day(fields["opens_on"] ?? "")
        if opens == nil {
            errors.add(
                "opens_on",
                Text("Écrivez la date d'ouverture au format 2026-03-01.", "Write the opening date as 2026-03-01.").in(
                    lang))
        }
        let closes = Day(fields["closes_on"] ?? "")
        if closes == nil {
            errors.add(
                "closes_on",
                Text("Écrivez la date limite au format 2026-05-31.", "Write the deadline as 2026-05-31.").in(lang))
        } else if let opens, let closes, closes < opens {
            errors.add(
                "closes_on",
                Text(
                    "La date limite doit suivre la date d'ouverture.", "The deadline must come after the opening date."
                ).in(lang))
        } else if let closes, closes < today {
            errors.add(
                "closes_on", Text("La date limite est déjà passée.", "The deadline has already passed.").in(lang))
        }
        var audience = CallAudience(rawValue: fields["audience"] ?? "") ?? .anyone
        if national { audience = .anyone }
        if fields["audience"].map({ !$0.isEmpty && CallAudience(rawValue: $0) == nil }) == true {
            errors.add("audience", Text("Choisissez dans la liste.", "Choose from the list.").in(lang))
        }
        let emails = (fields["reviewers"] ?? "").split(whereSeparator: {
            $0 == "\n" || $0 == "," || $0 == ";" || $0 == " " || $0 == "\r"
        })
        .map { EmailAddress.normalize(String($0)) }.filter { !$0.isEmpty }
        if let bad = emails.first(where: { !EmailAddress.isValid($0) }) {
            errors.add(
                "reviewers",
                Text("« \(bad) » n'est pas une adresse e-mail.", "“\(bad)” is not an e-mail address.").in(lang))
        } else if emails.count > 50 {
            errors.add("reviewers", Text("50 relecteur·rices au plus.", "50 reviewers at most.").in(lang))
        }
        var criteria: [(label: String, weight: Int)] = []
        for line in (fields["criteria"] ?? "").split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ";", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let label = parts.first, !label.isEmpty else { continue }
            let weight = parts.count > 1 ? Int(parts[1]) : 1
            guard let weight, (1...5).contains(weight), label.count <= 120 else {
                errors.add(
                    "criteria",
                    Text(
                        "Ligne « \(line) » : écrivez « critère ; poids » avec un poids de 1 à 5.",
                        "Line “\(line)”: write “criterion ; weight” with a weight from 1 to 5."
                    ).in(lang))
                break
            }
            criteria.append((label, weight))
        }
        if errors["criteria"] == nil {
            if criteria.isEmpty {
                errors.add(
                    "criteria",
                    Text("Écrivez au moins un critère de la grille.", "Write at least one criterion of the grid.").in(
                        lang))
            } else if criteria.count > 12 {
                errors.add("criteria", Text("12 critères au plus.", "12 criteria at most.").in(lang))
            }
        }
        let maxScore = Int(fields["max_score"] ?? "") ?? 0
        if !(2...10).contains(maxScore) {
            errors.add(
                "max_score", Text("La note maximale va de 2 à 10.", "The maximum score goes from 2 to 10.").in(lang))
        }
        let required = Int(fields["required_reviews"] ?? "") ?? 0
        if !(1...2).contains(required) {
            errors.add(
                "required_reviews", Text("Choisissez une ou deux évaluations.", "Choose one or two reviews.").in(lang))
        } else if required > max(emails.count, 1), errors["reviewers"] == nil {
            errors.add(
                "reviewers",
                Text(
                    "Deux évaluations par contribution demandent au moins deux relecteur·rices.",
                    "Two reviews per submission need at least two reviewers."
                ).in(lang))
        }
        guard errors.isEmpty, let opens, let closes else { return .failure(FormErrorsBox(errors)) }
        return .success(
            CallInput(
                title: title, body: body, window: CallWindow(opensOn: opens, closesOn: closes), audience: audience,
                reviewerEmails: Array(Set(emails)).sorted(), criteria: criteria, maxScore: maxScore,
                requiredReviews: required))
    }
}
