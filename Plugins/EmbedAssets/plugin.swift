import Foundation
import PackagePlugin

/// Builds the stylesheet, scripts and icons of `Public/` into the target as Swift source, so the
/// binary serves them with nothing beside it (`AGORA_PUBLIC_DIR` still overrides, for work on
/// the CSS without a rebuild). The list of files is read at every build: a new file is embedded
/// without touching this plugin.
@main
struct EmbedAssets: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Public")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path())
            .filter { !$0.hasPrefix(".") }
            .sorted()
        let inputs = names.map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedAssets.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(names.count) files of Public/",
                executable: try context.tool(named: "AssetEmbedder").url,
                arguments: [output.path()] + inputs.map { $0.path() },
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
