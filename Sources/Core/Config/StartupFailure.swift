/// Something that stops the platform before it can serve: a bad setting, a missing file, a
/// database that cannot be opened. The executable prints it as one line, in French then English,
/// and exits with a non-zero status — never a backtrace.
public struct StartupFailure: Error, CustomStringConvertible, Equatable {
    public let french: String
    public let english: String
    public init(_ french: String, _ english: String) {
        self.french = french
        self.english = english
    }
    public var description: String { "agora : \(french) / \(english)" }
}
