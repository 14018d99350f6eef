import Core
import Foundation

/// The signed single-use token of an answering form (issue #15): issued with the page in a hidden
/// field, it names the questionnaire and the time it was issued, and carries a random nonce that
/// the answer consumes (a unique row, in the answer's transaction). Without it, or with a forged,
/// expired or another questionnaire's token, the answer is refused; a token sent twice counts once.
public enum FormToken {
    /// The hidden field of the answering form.
    public static let field = "_jeton"
    static let purpose = "questionnaire-form"
    /// How long a form may stay open before its token expires (the answers typed are kept).
    public static let lifetime: TimeInterval = 3 * 24 * 3600

    /// Why a token is not taken.
    public enum Problem: Error, Sendable, Equatable {
        case missing, forged, expired

        public var message: Text {
            switch self {
            case .missing:
                Text(
                    "Ce formulaire n'a pas été ouvert depuis la page du questionnaire : vos réponses n'ont pas été enregistrées. Elles sont gardées ci-dessous : envoyez-les à nouveau.",
                    "This form was not opened from the questionnaire's page: your answers were not saved. They are kept below: send them again."
                )
            case .forged:
                Text(
                    "Ce formulaire n'est pas valable (jeton modifié ou d'un autre questionnaire) : vos réponses n'ont pas été enregistrées. Elles sont gardées ci-dessous : envoyez-les à nouveau.",
                    "This form is not valid (token changed or from another questionnaire): your answers were not saved. They are kept below: send them again."
                )
            case .expired:
                Text(
                    "Ce formulaire est resté ouvert trop longtemps : vos réponses n'ont pas été enregistrées. Elles sont gardées ci-dessous : envoyez-les à nouveau.",
                    "This form stayed open too long: your answers were not saved. They are kept below: send them again."
                )
            }
        }
    }

    /// A new token for the form of `questionnaireID`, issued at `now`.
    public static func issue(
        questionnaireID: Int, now: Date, signer: Signer, nonce: String = Tokens.random(bytes: 18)
    )
        -> String
    {
        signer.seal("\(questionnaireID).\(Int(now.timeIntervalSince1970)).\(nonce)", purpose: purpose)
    }

    /// The nonce of a valid token (the value the answer consumes), or why it is refused.
    public static func check(
        _ token: String?, questionnaireID: Int, now: Date, signer: Signer
    ) -> Result<String, Problem> {
        guard let token, !token.isEmpty else { return .failure(.missing) }
        guard token.utf8.count <= 200, let value = signer.unseal(token, purpose: purpose) else {
            return .failure(.forged)
        }
        let parts = value.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == String(questionnaireID), let issued = Int(parts[1]), !parts[2].isEmpty
        else { return .failure(.forged) }
        let age = now.timeIntervalSince1970 - Double(issued)
        guard age >= -300, age <= lifetime else { return .failure(.expired) }
        return .success(parts[2])
    }

    /// The stored value of a consumed nonce.
    public static func stored(_ nonce: String) -> String { Tokens.sha256Hex("form|" + nonce) }

    /// The answer of a token already used.
    public static let used = Text(
        "Ce formulaire a déjà été envoyé : une réponse n'est comptée qu'une fois. Pour répondre à nouveau, rouvrez le questionnaire depuis sa page.",
        "This form was already sent: an answer counts once. To answer again, open the questionnaire again from its page."
    )
}

/// Keyed hashes that let a signed-in person find their own answer and drafts while the answers
/// stay anonymous (docs/PRIVACY.md): HMAC-SHA256 with the platform's secret key, never the
/// person's id. Without the key, a hash names nobody; with it, only the person's own request
/// (which knows their id) finds their row.
public enum RespondentKey {
    /// One answer per person, questionnaire and wave (0 outside any wave).
    public static func answer(personID: Int, questionnaireID: Int, waveID: Int?, signer: Signer) -> String {
        signer.signature("\(personID)|\(questionnaireID)|\(waveID ?? 0)", purpose: "questionnaire-respondent")
    }

    /// The owner of a signed-in person's drafts (all questionnaires: "my drafts").
    public static func drafts(personID: Int, signer: Signer) -> String {
        signer.signature("person:\(personID)", purpose: "questionnaire-draft-owner")
    }

    /// The owner of the drafts kept on one browser (its `agora_brouillon` cookie).
    public static func drafts(browserKey: String, signer: Signer) -> String {
        signer.signature("browser:\(browserKey)", purpose: "questionnaire-draft-owner")
    }

    /// The owners whose drafts a visit finds: the person's, then the browser's.
    public static func draftOwners(personID: Int?, browserKey: String?, signer: Signer) -> [String] {
        [
            personID.map { drafts(personID: $0, signer: signer) },
            browserKey.map { drafts(browserKey: $0, signer: signer) },
        ].compactMap { $0 }
    }
}

/// Who answers a questionnaire online. A professionals' questionnaire is answered online only by
/// accounts holding the professional role in its territory (answers collected on paper or by
/// phone are typed in by the team, who see the respondent); a users' or an "everyone"
/// questionnaire is open to all, each answer counted under the audience it declares.
public enum AnswerAudience {
    public static func mayAnswerOnline(_ audience: QAudience, roles: Set<Role>) -> Bool {
        audience != .professionals || roles.contains(.professional)
    }

    public static let professionalsOnly = Text(
        "Ce questionnaire s'adresse aux professionnel·les de santé et du social du territoire : connectez-vous avec un compte qui a le rôle de professionnel·le sur ce territoire pour y répondre.",
        "This questionnaire is for the territory's health and social care professionals: log in with an account holding the professional role in this territory to answer it."
    )

    /// The line the results page shows under its title: whose answers it counts.
    public static func resultsNote(_ audience: QAudience) -> Text {
        switch audience {
        case .professionals:
            Text(
                "Qui répond : en ligne, seuls les comptes ayant le rôle de professionnel·le sur le territoire peuvent répondre ; les réponses sur papier, par téléphone ou en personne sont saisies par l'équipe. Une réponse par compte et par vague.",
                "Who answers: online, only accounts holding the professional role in the territory may answer; answers on paper, by phone or in person are typed in by the team. One answer per account and wave."
            )
        case .users:
            Text(
                "Qui répond : tout le monde, avec ou sans compte. Une réponse par compte et par vague ; sans compte, chaque formulaire ne compte qu'une fois.",
                "Who answers: everyone, with or without an account. One answer per account and wave; without an account, each form counts once."
            )
        case .all:
            Text(
                "Qui répond : tout le monde, avec ou sans compte ; chaque réponse est comptée sous le public que la personne a déclaré (usager ou professionnel). Une réponse par compte et par vague ; sans compte, chaque formulaire ne compte qu'une fois.",
                "Who answers: everyone, with or without an account; each answer is counted under the audience its respondent declared (user or professional). One answer per account and wave; without an account, each form counts once."
            )
        }
    }
}
