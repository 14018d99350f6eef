// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

/// A feature room sees the core, SQL and the web framework — never another room, except where a
/// room is built on another (Events reuses Questionnaires for its feedback; see docs/ARCHITECTURE.md).
func room(_ name: String, also: [Target.Dependency] = []) -> Target {
    .target(
        name: name,
        dependencies: also + [
            "Core",
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "Vapor", package: "vapor"),
            .product(name: "Fluent", package: "fluent"),
        ],
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "agora",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "agora", targets: ["agora"])
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", exact: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", exact: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", exact: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", exact: "2.14.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
    ],
    targets: [
        .executableTarget(
            name: "agora",
            dependencies: ["App"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "App",
            dependencies: [
                "Core", "Accounts", "Proposals", "Committees", "Stats", "Experiences", "Questionnaires", "Events",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            ],
            swiftSettings: swiftSettings
        ),
        // Public/ (stylesheet, scripts, icons) built into Core by the EmbedAssets plugin: the
        // binary needs no folder beside it.
        .executableTarget(name: "AssetEmbedder"),
        .plugin(name: "EmbedAssets", capability: .buildTool(), dependencies: ["AssetEmbedder"]),
        .target(
            name: "Core",
            dependencies: [
                "Stats",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedAssets"]
        ),
        .target(name: "Stats", swiftSettings: swiftSettings),
        room("Accounts"),
        room("Proposals"),
        room("Committees"),
        // Calls for experiences: submissions, review, public catalogue (issue #7).
        room("Experiences", also: ["Stats"]),
        // Needs questionnaires: builder, answers everywhere, analysis, cross-analysis (issue #3).
        room("Questionnaires", also: ["Stats"]),
        // Forums and participatory workshops: agenda, registration, check-in, live participation (issue #4).
        room("Events", also: ["Stats", "Questionnaires"]),
        .testTarget(name: "CoreTests", dependencies: ["Core"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ProposalsTests", dependencies: ["Proposals", "Core", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CommitteesTests", dependencies: ["Committees", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "StatsTests", dependencies: ["Stats"], swiftSettings: swiftSettings),
        .testTarget(name: "AccountsTests", dependencies: ["Accounts", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ExperiencesTests", dependencies: ["Experiences", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "QuestionnairesTests", dependencies: ["Questionnaires", "Core", "TestSupport"],
            swiftSettings: swiftSettings),
        // Use-case tests' small world: an in-memory SQLite database with the rooms' migrations.
        .target(
            name: "TestSupport",
            dependencies: [
                "Core", "Accounts",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventsTests", dependencies: ["Events", "Core", "Questionnaires", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App", "Core", "Accounts", "Proposals", "Committees", "Questionnaires", "Events",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
