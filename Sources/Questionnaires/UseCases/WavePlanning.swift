import Core
import Fluent
import Foundation

/// What became of a wave saved.
enum SaveWaveOutcome: Sendable, Equatable {
    case saved
    /// A date, a target or a commune's target is wrong, said next to its field; nothing was written.
    case invalid(FormErrors)
    /// Not a wave of this questionnaire.
    case notFound
    /// Only the territory's builders plan waves.
    case forbidden
}

/// A builder plans a wave of a questionnaire (new, or `wave_id` to change one): its dates, which
/// never overlap another wave's (each answer belongs to one), and its targets — in all, for users
/// and professionals, and by commune. In the audit trail.
enum SaveWave {
    static func run(
        fields: [String: String], questionnaire context: QContext, waves: [WaveRecord], actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> SaveWaveOutcome {
        guard QuestionnairesPolicy.allows(actor, .build, on: context.record) else { return .forbidden }
        var errors = FormErrors()
        var waveID: Int?
        if let raw = fields["wave_id"], !raw.isEmpty {
            guard let wave = waves.first(where: { String($0.id) == raw }) else { return .notFound }
            waveID = wave.id
        }
        let name = TextRule.required(
            fields, "name", maxLength: 80, errors: &errors, lang: actor.lang,
            missing: Text("Donnez un nom à la vague.", "Name the wave."))
        let starts = TextRule.optionalDay(fields, "starts_on", errors: &errors, lang: actor.lang)
        let ends = TextRule.optionalDay(fields, "ends_on", errors: &errors, lang: actor.lang)
        if starts == nil && errors["starts_on"] == nil {
            errors.add("starts_on", actor.t(Text("Indiquez la date de début.", "Enter the start date.")))
        }
        if ends == nil && errors["ends_on"] == nil {
            errors.add("ends_on", actor.t(Text("Indiquez la date de fin.", "Enter the end date.")))
        }
        if let starts, let ends, ends < starts {
            errors.add(
                "ends_on", actor.t(Text("La fin doit venir après le début.", "The end must come after the start.")))
        }
        if let starts, let ends, ends >= starts,
            let other = Waves.overlapping(starts: starts, ends: ends, excluding: waveID, in: waves)
        {
            errors.add(
                "starts_on",
                actor.t(
                    Text(
                        "Cette période chevauche la vague « \(other.name) » (du \(DateText.day(iso: other.starts_on, lang: .fr)) au \(DateText.day(iso: other.ends_on, lang: .fr))) : deux vagues ne peuvent pas se chevaucher, chaque réponse appartient à une seule.",
                        "This period overlaps the wave “\(other.name)” (\(DateText.day(iso: other.starts_on, lang: .en)) to \(DateText.day(iso: other.ends_on, lang: .en))): two waves cannot overlap, each answer belongs to one only."
                    )))
        }
        func count(_ key: String, required: Bool) -> Int {
            let raw = (fields[key] ?? "").trimmingCharacters(in: .whitespaces)
            if raw.isEmpty {
                if required {
                    errors.add(key, actor.t(Text("Indiquez un nombre de réponses.", "Enter a number of answers.")))
                }
                return 0
            }
            guard let n = Int(raw), n >= 0, n <= 1_000_000 else {
                errors.add(
                    key, actor.t(Text("Indiquez un nombre entier, 0 ou plus.", "Enter a whole number, 0 or more.")));
                return 0
            }
            return n
        }
        let total = count("target_total", required: true), users = count("target_users", required: false),
            pros = count("target_professionals", required: false)
        if users + pros > total && errors["target_users"] == nil {
            errors.add(
                "target_users",
                actor.t(
                    Text(
                        "Usagers et professionnels dépassent l'objectif total.",
                        "Users and professionals exceed the total target.")))
        }
        let overrides = Targets.parseOverrides(
            fields["commune_targets"] ?? "", communes: context.territory.communes.map { ($0.code, $0.name) })
        if let error = overrides.error { errors.add("commune_targets", error) }
        guard errors.isEmpty, let starts, let ends else { return .invalid(errors) }
        let editedID = waveID, questionnaireID = context.id, territoryID = context.territory.id
        try await env.db.transaction { db in
            try await QuestionnaireStore.saveWave(
                questionnaireID: questionnaireID, waveID: editedID, name: name, starts: starts, ends: ends,
                total: total, users: users, professionals: pros, overrides: overrides.values, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territoryID, action: "questionnaire.wave",
                subject: "questionnaire \(questionnaireID)", on: db)
        }
        return .saved
    }
}
