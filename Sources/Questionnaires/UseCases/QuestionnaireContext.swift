import Core
import Foundation

/// A questionnaire with the definition of its current version, in its territory.
struct QContext: Sendable {
    let record: QuestionnaireRecord
    let definition: Definition
    let territory: TerritoryInfo

    var id: Int { record.id }
    var slug: String { territory.slug }
    func link(_ pattern: RoutePattern) -> String { pattern.link(slug, record.id) }
    var communeNames: [String: String] {
        Dictionary(uniqueKeysWithValues: territory.communes.map { ($0.code, $0.name) })
    }
}
