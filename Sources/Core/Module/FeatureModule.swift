import Fluent
import Vapor

/// A feature room plugs itself into the app through this manifest: the core never names a
/// feature; App loops over the modules for migrations, routes, navigation and demo data.
public protocol FeatureModule: Sendable {
    var name: String { get }
    var migrations: [any Migration] { get }
    var navigation: [NavEntry] { get }
    func boot(_ app: Application) async throws
    func routes(_ router: RouteRegistrar, app: Application) throws
    /// Loads demo data (idempotent); returns lines to print to the person who ran `agora demo`.
    func loadDemo(on app: Application) async throws -> [String]
    /// What this room holds about a person, for their data export.
    func personalData(of personID: Int, on db: any Database) async throws -> [String: PersonalData]
    /// Erases or anonymises what this room holds about a person (their account is being deleted).
    /// No default: a room that forgot it would keep what it holds of an erased person. It runs
    /// inside the erasure's transaction `db`; `env` gives the clock and what the mails of
    /// its consequences need (a seat freed moves someone up, who is told).
    func erase(personID: Int, env: UseCaseEnvironment, on db: any Database) async throws
    /// The room's own `agora` commands (`agora NAME …`), registered by App beside its own.
    func commands() -> [(name: String, command: any AnyAsyncCommand)]
    /// Fills the room's tables for `make bench` in the bench territory, to the sizes asked of
    /// `agora bench-data` (idempotent: what is there already counts); returns lines to print.
    func loadBenchData(_ sizes: BenchSizes, territory: TerritoryInfo, on app: Application) async throws -> [String]
}

extension FeatureModule {
    public var navigation: [NavEntry] { [] }
    public func boot(_ app: Application) async throws {}
    public func loadDemo(on app: Application) async throws -> [String] { [] }
    public func personalData(of personID: Int, on db: any Database) async throws -> [String: PersonalData] { [:] }
    public func commands() -> [(name: String, command: any AnyAsyncCommand)] { [] }
    public func loadBenchData(
        _ sizes: BenchSizes, territory: TerritoryInfo, on app: Application
    ) async throws -> [String] { [] }
}

/// The sizes asked of `agora bench-data`, by the name of the option (`accounts`, `proposals`…).
public struct BenchSizes: Sendable {
    public let values: [String: Int]
    public init(_ values: [String: Int]) { self.values = values }
    /// The size asked for `name`, or the room's default.
    public func callAsFunction(_ name: String, default fallback: Int) -> Int { values[name] ?? fallback }
}

/// A JSON value, for personal data exports that every room contributes to.
public enum PersonalData: Sendable, Encodable, Equatable {
    case string(String?)
    case int(Int?)
    case bool(Bool)
    case date(Date?)
    case list([PersonalData])
    case object([String: PersonalData])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .date(let value): try container.encode(value.map { ISO8601DateFormatter().string(from: $0) })
        case .list(let values): try container.encode(values)
        case .object(let values): try container.encode(values)
        }
    }
}

/// The registered modules, so commands and the account room can reach every room.
extension Application {
    private struct ModulesKey: StorageKey { typealias Value = [any FeatureModule] }
    public var featureModules: [any FeatureModule] {
        get { storage[ModulesKey.self] ?? [] }
        set { storage[ModulesKey.self] = newValue }
    }
}
