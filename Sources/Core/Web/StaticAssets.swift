import Foundation
import Vapor

/// The stylesheet, scripts and icons, served from memory with a content hash in their URL, so
/// browsers keep them for a year and a new version is fetched at once. They are built into the
/// binary (the EmbedAssets plugin turns `Public/` into source); `AGORA_PUBLIC_DIR` may name a
/// folder to read them from instead.
public struct StaticAssets: Sendable {
    public struct Asset: Sendable {
        public let body: ByteBuffer
        public let contentType: HTTPMediaType
        public let hash: String
    }
    public let files: [String: Asset]

    /// The files built into the binary.
    public static let embedded: StaticAssets = {
        let files = embeddedAssetFiles.compactMap { file in
            Data(base64Encoded: file.base64).map { (file.name, $0) }
        }
        return StaticAssets(files: files)
    }()

    /// The files of a folder; a folder without `app.css` is refused with one clear line.
    public static func directory(_ directory: String) throws -> StaticAssets {
        let manager = FileManager.default
        let names = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        var files: [(String, Data)] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                let data = manager.contents(atPath: path)
            else { continue }
            files.append((name, data))
        }
        guard files.contains(where: { $0.0 == "app.css" }) else {
            throw StartupFailure(
                "AGORA_PUBLIC_DIR : app.css introuvable dans « \(directory) »",
                "AGORA_PUBLIC_DIR: no app.css in “\(directory)”")
        }
        return StaticAssets(files: files)
    }

    init(files: [(String, Data)]) {
        var assets: [String: Asset] = [:]
        for (name, data) in files {
            let ext = (name as NSString).pathExtension
            let type: HTTPMediaType =
                switch ext {
                case "css": HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
                case "js": HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
                case "svg": HTTPMediaType(type: "image", subType: "svg+xml")
                case "png": .png
                case "txt": HTTPMediaType(type: "text", subType: "plain", parameters: ["charset": "utf-8"])
                default: HTTPMediaType(type: "application", subType: "octet-stream")
                }
            let hash = String(Tokens.sha256Hex(String(decoding: data, as: UTF8.self)).prefix(12))
            assets[name] = Asset(body: ByteBuffer(data: data), contentType: type, hash: hash)
        }
        self.files = assets
    }

    public func url(for name: String) -> String? {
        guard let asset = files[name] else { return nil }
        return "/static/\(name)?v=\(asset.hash)"
    }

    public func response(for name: String, request: Request) -> Response {
        guard let asset = files[name] else { return Response(status: .notFound) }
        var headers = HTTPHeaders()
        headers.contentType = asset.contentType
        headers.replaceOrAdd(name: .eTag, value: "\"\(asset.hash)\"")
        if request.query[String.self, at: "v"] == asset.hash {
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=31536000, immutable")
        } else {
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        }
        if request.headers.first(name: .ifNoneMatch) == "\"\(asset.hash)\"" {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(buffer: asset.body))
    }
}
