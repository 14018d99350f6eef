import Foundation

/// Every setting of the platform, typed, read once from the environment at start-up.
///
/// `AppConfig.load(from:)` is pure: it takes the environment as a dictionary, so only the
/// executable touches the real process environment, and tests pass their own.
public struct AppConfig: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable { case development, testing, production }
    public enum SMTPSecurity: String, Sendable, CaseIterable { case none, starttls, tls }

    public struct SMTP: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var username: String?
        public var password: String?
        public var from: String
        public var security: SMTPSecurity
        public init(
            host: String, port: Int, username: String? = nil, password: String? = nil, from: String,
            security: SMTPSecurity
        ) {
            self.host = host; self.port = port; self.username = username; self.password = password
            self.from = from; self.security = security
        }
    }

    public var mode: Mode
    public var host: String
    public var port: Int
    /// PostgreSQL when set; otherwise SQLite at `sqlitePath`.
    public var databaseURL: String?
    public var dataDirectory: String
    public var baseURL: String
    public var smtp: SMTP?
    /// Given by the environment; when nil the key is generated and kept in the data folder.
    public var secretKey: String?
    /// A folder to read the stylesheet, scripts and icons from instead of the ones built into the
    /// binary (to work on the CSS without rebuilding); nil in production use.
    public var publicDirectory: String?
    public var bcryptCost: Int
    /// Failed logins allowed per client address in ten minutes.
    public var loginLimit: Int
    /// Sign-ups allowed per client address in an hour.
    public var signupLimit: Int
    /// Live contributions (votes, ideas) allowed per client address in a minute.
    public var liveAddressLimit: Int
    /// New live participants (server-issued cookies) per client address in an hour.
    public var liveNewParticipantLimit: Int
    /// Online answers to questionnaires accepted per client address in an hour.
    public var answerAddressLimit: Int
    public var trustProxy: Bool
    public var mailPollInterval: Double
    /// The development outbox page, asked for explicitly (`AGORA_DEV_OUTBOX=true`).
    public var devOutbox: Bool

    public var sqlitePath: String { (dataDirectory as NSString).appendingPathComponent("agora.sqlite") }
    public var secretKeyPath: String { (dataDirectory as NSString).appendingPathComponent("secret.key") }
    public var usesPostgres: Bool { databaseURL != nil }
    /// The outbox page at /dev/outbox exists only when asked for (`AGORA_DEV_OUTBOX=true`), outside
    /// production and without SMTP; even then it shows only to the machine itself (loopback) or to
    /// an administrator (`CoreModule`). It shows login links: by default it does not exist.
    public var showsDevOutbox: Bool { devOutbox && smtp == nil && mode != .production }
    public var secureCookies: Bool { baseURL.hasPrefix("https://") }

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let problems: [String]
        public var description: String {
            "Configuration invalide (\(problems.count) problème(s)) / invalid configuration:\n"
                + problems.map { "  - " + $0 }.joined(separator: "\n")
        }
    }

    public init(
        mode: Mode = .production, host: String = "127.0.0.1", port: Int = 8080, databaseURL: String? = nil,
        dataDirectory: String = "./data", baseURL: String? = nil, smtp: SMTP? = nil, secretKey: String? = nil,
        publicDirectory: String? = nil, bcryptCost: Int = 12, loginLimit: Int = 10, signupLimit: Int = 10,
        liveAddressLimit: Int = 600, liveNewParticipantLimit: Int = 400, answerAddressLimit: Int = 60,
        trustProxy: Bool = false, mailPollInterval: Double = 2, devOutbox: Bool = false
    ) {
        self.mode = mode; self.host = host; self.port = port; self.databaseURL = databaseURL
        self.dataDirectory = dataDirectory; self.baseURL = baseURL ?? "http://\(host):\(port)"
        self.smtp = smtp; self.secretKey = secretKey; self.publicDirectory = publicDirectory
        self.bcryptCost = bcryptCost; self.loginLimit = loginLimit; self.signupLimit = signupLimit
        self.liveAddressLimit = liveAddressLimit; self.liveNewParticipantLimit = liveNewParticipantLimit
        self.answerAddressLimit = answerAddressLimit; self.trustProxy = trustProxy;
        self.mailPollInterval = mailPollInterval
        self.devOutbox = devOutbox
    }

    /// The settings table, as documented in the README: name, default, meaning.
    public static let documentation: [(name: String, defaultValue: String, meaning: String)] = [
        (
            "AGORA_ENV", "production",
            "production, development or testing (a development convenience is asked for, never the default)"
        ),
        ("AGORA_HOST", "127.0.0.1", "address to listen on (agora serve --hostname overrides it)"),
        ("AGORA_PORT", "8080", "port to listen on (agora serve --port overrides it)"),
        (
            "DATABASE_URL", "(none)",
            "postgres://user:password@host:port/database; without it, SQLite in the data folder"
        ),
        ("AGORA_DATA_DIR", "./data", "folder for the SQLite file (WAL mode) and the generated secret key"),
        ("AGORA_BASE_URL", "http://HOST:PORT", "public address used in e-mails; https:// makes cookies Secure"),
        (
            "SMTP_HOST", "(none)",
            "mail server; without it mail stays in the outbox (see AGORA_DEV_OUTBOX)"
        ),
        ("SMTP_PORT", "587, 465 with tls, 25 with none", "mail server port"),
        ("SMTP_TLS", "starttls", "none, starttls or tls"),
        ("SMTP_USERNAME / SMTP_PASSWORD", "(none)", "credentials (AUTH PLAIN)"),
        ("SMTP_FROM", "(required with SMTP_HOST)", "sender address"),
        (
            "AGORA_SECRET_KEY", "generated into DATA_DIR/secret.key",
            "at least 32 characters; signs CSRF tokens and flash cookies"
        ),
        (
            "AGORA_PUBLIC_DIR", "(built in)",
            "a folder to read the stylesheet and scripts from instead of the binary's own"
        ),
        ("AGORA_BCRYPT_COST", "12", "Bcrypt cost for passwords (4 to 16)"),
        ("AGORA_LOGIN_LIMIT", "10", "failed logins per client address per 10 minutes"),
        ("AGORA_SIGNUP_LIMIT", "10", "sign-ups per client address per hour"),
        (
            "AGORA_LIVE_ADDRESS_LIMIT", "600",
            "live votes and ideas per client address per minute (a room may share one address)"
        ),
        (
            "AGORA_LIVE_NEW_PARTICIPANT_LIMIT", "400",
            "new live participants (server-signed cookies) per client address per hour"
        ),
        (
            "AGORA_ANSWER_ADDRESS_LIMIT", "60",
            "online questionnaire answers per client address per hour (a venue may share one address)"
        ),
        ("AGORA_TRUST_PROXY", "false", "take the client address from X-Forwarded-For (behind a load balancer)"),
        ("AGORA_MAIL_POLL_MS", "2000", "how often the mail worker looks at the outbox"),
        (
            "AGORA_DEV_OUTBOX", "false",
            "development only, without SMTP: the outbox at /dev/outbox, for this machine or an administrator"
        ),
    ]

    public static func load(from env: [String: String]) throws -> AppConfig {
        var problems: [String] = []
        func value(_ key: String) -> String? {
            guard let raw = env[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func integer(_ key: String, default def: Int, range: ClosedRange<Int>) -> Int {
            guard let raw = value(key) else { return def }
            guard let number = Int(raw), range.contains(number) else {
                problems.append(
                    "\(key)=\(raw): attendu un nombre entier entre \(range.lowerBound) et \(range.upperBound)")
                return def
            }
            return number
        }
        func boolean(_ key: String) -> Bool {
            guard let raw = value(key)?.lowercased() else { return false }
            switch raw {
            case "1", "true", "yes", "oui", "on": return true
            case "0", "false", "no", "non", "off": return false
            default:
                problems.append("\(key)=\(raw): attendu true ou false")
                return false
            }
        }

        var mode = Mode.production
        if let raw = value("AGORA_ENV") {
            if let parsed = Mode(rawValue: raw.lowercased()) {
                mode = parsed
            } else {
                problems.append("AGORA_ENV=\(raw): attendu development, testing ou production")
            }
        }
        let host = value("AGORA_HOST") ?? "127.0.0.1"
        let port = integer("AGORA_PORT", default: 8080, range: 1...65535)

        var databaseURL: String?
        if let raw = value("DATABASE_URL") {
            if let url = URL(string: raw), ["postgres", "postgresql"].contains(url.scheme ?? ""), url.host != nil {
                databaseURL = raw
            } else {
                problems.append("DATABASE_URL: attendu postgres://utilisateur:motdepasse@hôte:port/base")
            }
        }
        let dataDirectory = value("AGORA_DATA_DIR") ?? "./data"

        var baseURL = "http://\(host):\(port)"
        if let raw = value("AGORA_BASE_URL") {
            if let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
                baseURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
            } else {
                problems.append("AGORA_BASE_URL=\(raw): attendu une adresse http:// ou https://")
            }
        }

        var smtp: SMTP?
        if let smtpHost = value("SMTP_HOST") {
            var security = SMTPSecurity.starttls
            if let raw = value("SMTP_TLS") {
                if let parsed = SMTPSecurity(rawValue: raw.lowercased()) {
                    security = parsed
                } else {
                    problems.append("SMTP_TLS=\(raw): attendu none, starttls ou tls")
                }
            }
            let defaultPort = security == .tls ? 465 : (security == .starttls ? 587 : 25)
            let smtpPort = integer("SMTP_PORT", default: defaultPort, range: 1...65535)
            let from = value("SMTP_FROM")
            if from == nil {
                problems.append("SMTP_FROM: obligatoire quand SMTP_HOST est défini")
            } else if !EmailAddress.isValid(from!) {
                problems.append("SMTP_FROM=\(from!): adresse e-mail invalide")
            }
            let username = value("SMTP_USERNAME"), password = value("SMTP_PASSWORD")
            if (username == nil) != (password == nil) {
                problems.append("SMTP_USERNAME et SMTP_PASSWORD vont ensemble")
            }
            smtp = SMTP(
                host: smtpHost, port: smtpPort, username: username, password: password,
                from: from ?? "", security: security)
        } else if let orphan = ["SMTP_PORT", "SMTP_TLS", "SMTP_FROM", "SMTP_USERNAME", "SMTP_PASSWORD"].first(where: {
            value($0) != nil
        }) {
            problems.append("\(orphan) est défini sans SMTP_HOST : indiquez le serveur d'envoi, ou retirez ce réglage")
        }

        let secretKey = value("AGORA_SECRET_KEY")
        if let secretKey, secretKey.count < 32 {
            problems.append("AGORA_SECRET_KEY: au moins 32 caractères")
        }
        if mode == .production, baseURL.hasPrefix("http://"),
            !(baseURL.contains("127.0.0.1") || baseURL.contains("localhost"))
        {
            problems.append("AGORA_BASE_URL: en production, l'adresse publique doit être en https://")
        }

        let config = AppConfig(
            mode: mode, host: host, port: port, databaseURL: databaseURL, dataDirectory: dataDirectory,
            baseURL: baseURL, smtp: smtp, secretKey: secretKey,
            publicDirectory: value("AGORA_PUBLIC_DIR"),
            bcryptCost: integer("AGORA_BCRYPT_COST", default: 12, range: 4...16),
            loginLimit: integer("AGORA_LOGIN_LIMIT", default: 10, range: 1...100_000),
            signupLimit: integer("AGORA_SIGNUP_LIMIT", default: 10, range: 1...100_000),
            liveAddressLimit: integer("AGORA_LIVE_ADDRESS_LIMIT", default: 600, range: 1...1_000_000),
            liveNewParticipantLimit: integer("AGORA_LIVE_NEW_PARTICIPANT_LIMIT", default: 400, range: 1...1_000_000),
            answerAddressLimit: integer("AGORA_ANSWER_ADDRESS_LIMIT", default: 60, range: 1...1_000_000),
            trustProxy: boolean("AGORA_TRUST_PROXY"),
            mailPollInterval: Double(integer("AGORA_MAIL_POLL_MS", default: 2000, range: 50...600_000)) / 1000,
            devOutbox: boolean("AGORA_DEV_OUTBOX")
        )
        if !problems.isEmpty { throw Invalid(problems: problems) }
        return config
    }
}
