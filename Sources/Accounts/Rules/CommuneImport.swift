import Core

/// Reads communes from a CSV with the INSEE columns of shared/data/communes_35.csv. Every row is
/// checked before anything is written; each problem names its line and column.
public enum CommuneImport {
    public struct Row: Sendable, Equatable {
        public let code: String
        public let name: String
        public let postalCodes: [String]
        public let population: Int
    }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let column: String?
        public let message: String
        public var description: String {
            "ligne \(line)" + (column.map { ", colonne \($0)" } ?? "") + " : " + message
        }
    }

    public static let requiredColumns = ["code_insee", "nom", "population_municipale"]

    public static func parse(_ text: String) -> Result<[Row], ProblemList> {
        let rows: [(line: Int, fields: [String])]
        do { rows = try CSV.parse(text) } catch let error as CSV.ParseError {
            return .failure(ProblemList([Problem(line: error.line, column: nil, message: error.message)]))
        } catch {
            return .failure(ProblemList([Problem(line: 1, column: nil, message: "fichier illisible")]))
        }
        guard let header = rows.first else {
            return .failure(ProblemList([Problem(line: 1, column: nil, message: "le fichier est vide")]))
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let missing = requiredColumns.filter { !columns.contains($0) }
        if !missing.isEmpty {
            return .failure(
                ProblemList(
                    missing.map { Problem(line: 1, column: $0, message: "colonne obligatoire absente de l'en-tête") }))
        }
        func index(_ name: String) -> Int? { columns.firstIndex(of: name) }
        var problems: [Problem] = []
        var result: [Row] = []
        var seen: [String: Int] = [:]
        for (line, fields) in rows.dropFirst() {
            guard fields.count == columns.count else {
                problems.append(
                    Problem(line: line, column: nil, message: "\(fields.count) champs au lieu de \(columns.count)"))
                continue
            }
            func value(_ name: String) -> String {
                index(name).map { fields[$0].trimmingCharacters(in: .whitespaces) } ?? ""
            }
            let code = value("code_insee")
            if !isINSEECode(code) {
                problems.append(
                    Problem(
                        line: line, column: "code_insee",
                        message: "« \(code) » n'est pas un code commune INSEE (5 caractères, ex. 35360)"))
            } else if let first = seen[code] {
                problems.append(
                    Problem(line: line, column: "code_insee", message: "le code \(code) figure déjà ligne \(first)"))
            } else {
                seen[code] = line
            }
            let name = value("nom")
            if name.isEmpty { problems.append(Problem(line: line, column: "nom", message: "le nom est vide")) }
            let populationText = value("population_municipale")
            let population = Int(populationText)
            if population == nil || population! < 0 {
                problems.append(
                    Problem(
                        line: line, column: "population_municipale",
                        message: "« \(populationText) » n'est pas un nombre entier positif"))
            }
            let postal = value("codes_postaux").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            if let bad = postal.first(where: { $0.count != 5 || !$0.allSatisfy(\.isNumber) }) {
                problems.append(
                    Problem(line: line, column: "codes_postaux", message: "« \(bad) » n'est pas un code postal"))
            }
            if let population, isINSEECode(code), !name.isEmpty {
                result.append(Row(code: code, name: name, postalCodes: postal, population: population))
            }
        }
        if !problems.isEmpty { return .failure(ProblemList(problems)) }
        if result.isEmpty {
            return .failure(ProblemList([Problem(line: 2, column: nil, message: "aucune commune dans le fichier")]))
        }
        return .success(result)
    }

    static func isINSEECode(_ code: String) -> Bool {
        guard code.count == 5 else { return false }
        let upper = code.uppercased()
        return upper.allSatisfy(\.isNumber)
            || ((upper.hasPrefix("2A") || upper.hasPrefix("2B")) && upper.dropFirst(2).allSatisfy(\.isNumber))
    }

    public struct ProblemList: Error, Equatable, CustomStringConvertible {
        public let problems: [Problem]
        public init(_ problems: [Problem]) { self.problems = problems }
        public var description: String { problems.map(\.description).joined(separator: "\n") }
    }
}

import Foundation
