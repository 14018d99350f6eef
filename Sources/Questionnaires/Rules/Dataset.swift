import Foundation

/// Every complete answer of one questionnaire, held column by column in memory so that a result
/// page counts 100,000 answers in a few milliseconds (docs/PERFORMANCE.md). Rows are appended in
/// the order of their ids; nothing here knows about the database.
public struct Dataset: Sendable {
    public struct Column: Sendable {
        public let kind: QuestionKind
        /// single: choice index; commune: commune index; agreement, scale: the point. -1 = no answer.
        public var codes: [Int32] = []
        /// multiple: a bit per choice index (64 choices at most).
        public var masks: [UInt64] = []
        /// number: the value; NaN = no answer.
        public var numbers: [Double] = []
        /// ranking: per place, the choice index; matrix: per row index, the point. -1 = none.
        public var places: [[Int32]] = []
        /// Choice keys (or commune codes, or matrix row keys) in the order of their index.
        public var keys: [String] = []
        var index: [String: Int32] = [:]

        init(kind: QuestionKind, capacity: Int = 0) {
            self.kind = kind
            switch kind {
            case .multiple: masks.reserveCapacity(capacity)
            case .number: numbers.reserveCapacity(capacity)
            default: codes.reserveCapacity(capacity)
            }
        }

        mutating func code(_ key: String) -> Int32 {
            if let code = index[key] { return code }
            let code = Int32(keys.count)
            keys.append(key)
            index[key] = code
            return code
        }

        public func code(of key: String) -> Int32? { index[key] }
    }

    public private(set) var ids: [Int] = []
    public private(set) var waves: [Int32] = []
    public private(set) var channels: [UInt8] = []
    public private(set) var audiences: [UInt8] = []
    /// Index in `communeCodes`, -1 when the respondent gave none.
    public private(set) var communes: [Int32] = []
    /// Days since 1970-01-01 (UTC) of the answer.
    public private(set) var days: [Int32] = []
    public private(set) var communeCodes: [String] = []
    var communeIndex: [String: Int32] = [:]
    public private(set) var columns: [String: Column] = [:]
    public var count: Int { ids.count }
    public var lastID: Int { ids.last ?? 0 }

    /// How many rows are coming: arrays are sized once instead of doubling (memory, docs/PERFORMANCE.md).
    var expected = 0

    public init() {}

    public mutating func reserve(_ rows: Int) {
        expected = rows
        for array in [\Dataset.waves, \Dataset.communes, \Dataset.days] as [WritableKeyPath<Dataset, [Int32]>] {
            self[keyPath: array].reserveCapacity(rows)
        }
        ids.reserveCapacity(rows)
        channels.reserveCapacity(rows)
        audiences.reserveCapacity(rows)
    }

    public struct Meta: Sendable {
        public var wave: Int
        public var channel: Channel
        public var audience: QAudience
        public var commune: String?
        public var day: Int
        public init(wave: Int, channel: Channel, audience: QAudience, commune: String?, day: Int) {
            self.wave = wave; self.channel = channel; self.audience = audience; self.commune = commune; self.day = day
        }
    }

    public static func channelCode(_ channel: Channel) -> UInt8 { UInt8(Channel.allCases.firstIndex(of: channel)!) }
    public static func audienceCode(_ audience: QAudience) -> UInt8 {
        UInt8(QAudience.allCases.firstIndex(of: audience)!)
    }

    public mutating func append(id: Int, meta: Meta, answers: Answers, questions: [Question]) {
        let row = ids.count
        ids.append(id)
        waves.append(Int32(meta.wave))
        channels.append(Self.channelCode(meta.channel))
        audiences.append(Self.audienceCode(meta.audience))
        days.append(Int32(meta.day))
        if let commune = meta.commune {
            if let code = communeIndex[commune] {
                communes.append(code)
            } else {
                let code = Int32(communeCodes.count)
                communeCodes.append(commune)
                communeIndex[commune] = code
                communes.append(code)
            }
        } else {
            communes.append(-1)
        }
        for question in questions where !question.kind.isText && question.kind != .date {
            var column = columns.removeValue(forKey: question.key) ?? Column(kind: question.kind, capacity: expected)
            column.fill(to: row)
            column.add(answers[question.key], question: question)
            columns[question.key] = column
        }
    }

    /// Brings every column to the full length (a question added in a later version has no answer
    /// in earlier rows).
    public mutating func seal() {
        let n = ids.count
        for key in columns.keys { columns[key]!.fill(to: n) }
    }
}

extension Dataset.Column {
    var length: Int {
        switch kind {
        case .multiple: masks.count
        case .number: numbers.count
        case .ranking, .matrix: places.first?.count ?? codes.count
        default: codes.count
        }
    }

    mutating func fill(to n: Int) {
        switch kind {
        case .multiple: while masks.count < n { masks.append(0) }
        case .number: while numbers.count < n { numbers.append(.nan) }
        case .ranking, .matrix:
            // `codes` counts the rows of place-based columns.
            while codes.count < n { codes.append(-1) }
            for p in places.indices { while places[p].count < n { places[p].append(-1) } }
        default: while codes.count < n { codes.append(-1) }
        }
    }

    mutating func add(_ value: AnswerValue?, question: Question) {
        switch kind {
        case .single, .commune:
            if case .choice(let key)? = value { codes.append(code(key)) } else { codes.append(-1) }
        case .agreement, .scale:
            if case .point(let p)? = value { codes.append(Int32(p)) } else { codes.append(-1) }
        case .multiple:
            var mask: UInt64 = 0
            if case .choices(let keys)? = value {
                for key in keys { let c = code(key); if c < 64 { mask |= 1 << UInt64(c) } }
            }
            masks.append(mask)
        case .number:
            if case .number(let v)? = value { numbers.append(v) } else { numbers.append(.nan) }
        case .ranking:
            let row = codes.count
            codes.append(value == nil ? -1 : 1)
            if case .ranking(let order)? = value {
                while places.count < order.count { places.append(Array(repeating: -1, count: row)) }
                for p in places.indices { places[p].append(p < order.count ? code(order[p]) : -1) }
            } else {
                for p in places.indices { places[p].append(-1) }
            }
        case .matrix:
            let row = codes.count
            codes.append(value == nil ? -1 : 1)
            var byRow: [Int: Int32] = [:]
            if case .matrix(let points)? = value {
                for (rowKey, point) in points { byRow[Int(code(rowKey))] = Int32(point) }
            }
            while places.count < keys.count { places.append(Array(repeating: -1, count: row)) }
            for p in places.indices { places[p].append(byRow[p] ?? -1) }
        case .shortText, .longText, .date: break
        }
    }
}

/// Which answers a result counts.
public struct Filter: Sendable, Equatable {
    public var wave: Int?
    public var channel: Channel?
    public var commune: String?
    public var audience: QAudience?
    /// A profile question and the choice (or point) it must have.
    public var profile: (question: String, value: String)?

    public init(
        wave: Int? = nil, channel: Channel? = nil, commune: String? = nil, audience: QAudience? = nil,
        profile: (question: String, value: String)? = nil
    ) {
        self.wave = wave; self.channel = channel; self.commune = commune; self.audience = audience;
        self.profile = profile
    }

    public static func == (a: Filter, b: Filter) -> Bool {
        a.wave == b.wave && a.channel == b.channel && a.commune == b.commune && a.audience == b.audience
            && a.profile?.question == b.profile?.question && a.profile?.value == b.profile?.value
    }

    public var isEmpty: Bool { self == Filter() }

    /// The row numbers that pass.
    public func rows(of data: Dataset) -> [Int] { split(of: data).rows }

    /// The rows that pass, and for each filter set (in the order wave, channel, audience,
    /// commune, profile) the rows that fail it alone: what the same view less that filter adds.
    /// One pass over the data, for the disclosure control's differencing.
    public struct Split: Sendable, Equatable {
        public var rows: [Int] = []
        public var differences: [[Int]] = []
    }

    public func split(of data: Dataset) -> Split {
        var tests: [(Int) -> Bool] = []
        if let wave = self.wave.map(Int32.init) { tests.append { data.waves[$0] == wave } }
        if let channel = self.channel.map(Dataset.channelCode) { tests.append { data.channels[$0] == channel } }
        if let audience = self.audience.map(Dataset.audienceCode) { tests.append { data.audiences[$0] == audience } }
        if let code = self.commune {
            let commune = data.communeIndex[code] ?? -2
            tests.append { data.communes[$0] == commune }
        }
        if let profile {
            guard let column = data.columns[profile.question] else { return Split(differences: [[]]) }
            switch column.kind {
            case .single, .commune:
                let code = column.code(of: profile.value) ?? -2
                tests.append { column.codes[$0] == code }
            case .agreement, .scale:
                let point = Int32(profile.value) ?? -2
                tests.append { column.codes[$0] == point }
            case .multiple:
                let bit: UInt64 = column.code(of: profile.value).map { 1 << UInt64($0) } ?? 0
                tests.append { column.masks[$0] & bit != 0 }
            default: break
            }
        }
        var split = Split(differences: tests.map { _ in [] })
        split.rows.reserveCapacity(data.count)
        for i in 0..<data.count {
            var failed = -1, failures = 0
            for (k, test) in tests.enumerated() where !test(i) {
                failures += 1
                failed = k
                if failures > 1 { break }
            }
            if failures == 0 {
                split.rows.append(i)
            } else if failures == 1 {
                split.differences[failed].append(i)
            }
        }
        return split
    }
}
