import Core
import Foundation

/// Where a proposal stands. The order of `lifecycle` is the order people see on the page.
public enum ProposalStatus: String, Sendable, CaseIterable, Codable {
    case draft
    case received
    case underStudy = "under_study"
    case accepted
    case partlyAccepted = "partly_accepted"
    case notAccepted = "not_accepted"
    case inProgress = "in_progress"
    case done

    public var label: Text {
        switch self {
        case .draft: Text("Brouillon", "Draft")
        case .received: Text("Reçue", "Received")
        case .underStudy: Text("À l'étude", "Under study")
        case .accepted: Text("Retenue", "Accepted")
        case .partlyAccepted: Text("Retenue en partie", "Partly accepted")
        case .notAccepted: Text("Non retenue", "Not accepted")
        case .inProgress: Text("En cours de réalisation", "In progress")
        case .done: Text("Réalisée", "Done")
        }
    }

    /// The statuses a proposal may move to from this one, by the staff of its territory.
    public var next: [ProposalStatus] {
        switch self {
        case .draft: [.received]
        case .received: [.underStudy, .accepted, .partlyAccepted, .notAccepted]
        case .underStudy: [.accepted, .partlyAccepted, .notAccepted]
        case .accepted, .partlyAccepted: [.inProgress, .done]
        case .notAccepted: []
        case .inProgress: [.done]
        case .done: []
        }
    }

    /// Statuses that carry the official answer (a decision was taken).
    public var isAnswer: Bool { [.accepted, .partlyAccepted, .notAccepted].contains(self) }
    /// A decision that requires a written reason.
    public var needsReason: Bool { self == .notAccepted || self == .partlyAccepted }
    /// Counted as "accepted" in the follow-up figures.
    public var isAcceptedOrLater: Bool { [.accepted, .partlyAccepted, .inProgress, .done].contains(self) }
    /// Visible to the public (drafts are their author's only).
    public var isPublic: Bool { self != .draft }
    /// The author may still edit the text.
    public var authorMayEdit: Bool { self == .draft || self == .received }

    /// Statuses staff can set from the proposal page (drafts are submitted by their author).
    public static let staffSettable: [ProposalStatus] = [
        .underStudy, .accepted, .partlyAccepted, .notAccepted, .inProgress, .done,
    ]
}

/// Where a proposal comes from.
public enum ProposalOrigin: String, Sendable, CaseIterable {
    case spontaneous = "spontanee"
    case event = "rencontre"
    case questionnaire

    public var label: Text {
        switch self {
        case .spontaneous: Text("Mon idée", "My own idea")
        case .event: Text("Une rencontre (forum, atelier…)", "A meeting (forum, workshop…)")
        case .questionnaire: Text("Un questionnaire", "A questionnaire")
        }
    }
}

/// The checked values of the proposal form.
public struct ProposalInput: Sendable, Equatable {
    public var title: String
    public var body: String
    public var themes: [Theme]
    public var communes: [String]
    public var origin: ProposalOrigin
    public var originDetail: String?
    public var asDraft: Bool

    public static let titleMax = 120
    public static let bodyMax = 5000
    public static let communesMax = 20

    public static func validate(
        fields: [String: String], multi: [String: [String]], allowedCommunes: Set<String>,
        themes themeList: ThemeList = .builtin, lang: Lang
    )
        -> Result<ProposalInput, FormErrorsBox>
    {
        var errors = FormErrors()
        let asDraft = fields["action"] == "draft"
        let title = TextRule.required(
            fields, "title", maxLength: titleMax, errors: &errors, lang: lang,
            missing: Text("Donnez un titre à votre proposition.", "Give your proposal a title."))
        let body = TextRule.required(
            fields, "body", maxLength: bodyMax, errors: &errors, lang: lang,
            missing: Text(
                "Décrivez votre proposition en quelques phrases.", "Describe your proposal in a few sentences."))
        if !asDraft, errors["body"] == nil, body.count < 20 {
            errors.add(
                "body",
                Text(
                    "Décrivez votre proposition en quelques phrases (20 caractères au moins).",
                    "Describe your proposal in a few sentences (at least 20 characters)."
                ).in(lang))
        }
        let rawThemes = multi["themes"] ?? []
        let themes = rawThemes.compactMap(themeList.find)
        if themes.count != rawThemes.count {
            errors.add("themes", Text("Choisissez les thèmes dans la liste.", "Choose themes from the list.").in(lang))
        } else if themes.isEmpty, !asDraft {
            errors.add("themes", Text("Choisissez au moins un thème.", "Choose at least one theme.").in(lang))
        }
        let communes = Array(Set((multi["communes"] ?? []).filter { !$0.isEmpty })).sorted()
        if communes.contains(where: { !allowedCommunes.contains($0) }) {
            errors.add(
                "communes",
                Text("Choisissez les communes dans la liste.", "Choose municipalities from the list.").in(lang))
        } else if communes.count > communesMax {
            errors.add(
                "communes",
                Text(
                    "\(communesMax) communes au plus : si toutes sont concernées, n'en cochez aucune.",
                    "\(communesMax) municipalities at most: if all are concerned, tick none."
                ).in(lang))
        }
        let origin = ProposalOrigin(rawValue: fields["origin"] ?? ProposalOrigin.spontaneous.rawValue)
        if origin == nil {
            errors.add(
                "origin", Text("Choisissez une origine dans la liste.", "Choose an origin from the list.").in(lang))
        }
        let detail = (fields["origin_detail"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if detail.count > 200 {
            errors.add("origin_detail", Text("200 caractères au plus.", "200 characters at most.").in(lang))
        }
        guard errors.isEmpty, let origin else { return .failure(FormErrorsBox(errors)) }
        return .success(
            ProposalInput(
                title: title, body: body, themes: themes, communes: communes, origin: origin,
                originDetail: detail.isEmpty || origin == .spontaneous ? nil : detail, asDraft: asDraft))
    }
}

/// A staff decision on a proposal: the new status, and the official answer or a note.
public struct StatusChangeInput: Sendable, Equatable {
    public var to: ProposalStatus
    public var text: String

    public static func validate(
        fields: [String: String], from current: ProposalStatus, lang: Lang
    ) -> Result<StatusChangeInput, FormErrorsBox> {
        var errors = FormErrors()
        let text = (fields["answer"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let to = ProposalStatus(rawValue: fields["status"] ?? ""), ProposalStatus.staffSettable.contains(to)
        else {
            errors.add(
                "status",
                Text("Choisissez le nouvel état dans la liste.", "Choose the new status from the list.").in(lang))
            return .failure(FormErrorsBox(errors))
        }
        if !current.next.contains(to) {
            errors.add(
                "status",
                Text(
                    "Une proposition « \(current.label.fr) » ne peut pas passer à « \(to.label.fr) ».",
                    "A proposal “\(current.label.en)” cannot move to “\(to.label.en)”."
                ).in(lang))
        }
        if to.needsReason, text.count < 10 {
            errors.add(
                "answer",
                Text(
                    "Expliquez la raison de cette décision : l'auteur et les soutiens la liront.",
                    "Explain the reason for this decision: the author and supporters will read it."
                ).in(lang))
        } else if to.isAnswer, text.isEmpty {
            errors.add("answer", Text("Rédigez la réponse officielle.", "Write the official answer.").in(lang))
        }
        if text.count > 5000 {
            errors.add("answer", Text("5000 caractères au plus.", "5000 characters at most.").in(lang))
        }
        guard errors.isEmpty else { return .failure(FormErrorsBox(errors)) }
        return .success(StatusChangeInput(to: to, text: text))
    }
}

/// The median of a list of durations (nil when empty).
public enum Median {
    public static func of(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
