/// QR codes (ISO/IEC 18004) for links printed on paper or shown on a screen: byte mode, error
/// correction level M (15 % of the symbol can be damaged), the smallest version that fits (1–40),
/// the mask with the lowest penalty. There is no QR package in the mirror; this encoder follows
/// the standard's steps and is checked by a real decoder (zbarimg) in the tests.
public struct QRCode: Sendable, Equatable {
    /// Modules per side (21 for version 1, +4 per version).
    public let size: Int
    public let version: Int
    /// Row-major: `dark[y * size + x]`.
    public let dark: [Bool]

    public func isDark(x: Int, y: Int) -> Bool { dark[y * size + x] }

    public enum Failure: Error, Equatable { case tooLong }

    public static func encode(_ text: String) throws -> QRCode {
        let bytes = Array(text.utf8)
        let header = bytes.contains { $0 >= 0x80 } ? 12 : 0  // the UTF-8 designator, for text beyond ASCII
        guard let version = (1...40).first(where: { capacityBits($0) >= header + 4 + countBits($0) + bytes.count * 8 })
        else { throw Failure.tooLong }
        var builder = Builder(version: version)
        builder.drawFunctionPatterns()
        builder.drawCodewords(interleave(dataCodewords(bytes, version: version), version: version))
        var best: (penalty: Int, mask: Int, modules: [Bool])?
        for mask in 0..<8 {
            var candidate = builder
            candidate.applyMask(mask)
            candidate.drawFormatBits(mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (penalty, mask, candidate.modules) }
        }
        return QRCode(size: builder.size, version: version, dark: best!.modules)
    }

    // MARK: - Capacity and tables (level M)

    static let eccPerBlock = [
        -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28,
        28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ]
    static let blocks = [
        -1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
        31,
        33, 35, 37, 38, 40, 43, 45, 47, 49,
    ]

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawModules(_ version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let align = version / 7 + 2
            result -= (25 * align - 10) * align - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    static func dataCodewordCount(_ version: Int) -> Int {
        rawModules(version) / 8 - eccPerBlock[version] * blocks[version]
    }
    static func capacityBits(_ version: Int) -> Int { dataCodewordCount(version) * 8 }
    static func countBits(_ version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// Mode, length, bytes, terminator and padding, as codewords.
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
        }
        // Byte mode means ISO-8859-1 unless an ECI says otherwise: text beyond ASCII declares UTF-8 (ECI 26).
        if bytes.contains(where: { $0 >= 0x80 }) {
            append(0b0111, 4)
            append(26, 8)
        }
        append(0b0100, 4)
        append(bytes.count, countBits(version))
        for byte in bytes { append(Int(byte), 8) }
        let capacity = capacityBits(version)
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var out: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in
            (0..<8).reduce(UInt8(0)) { $0 << 1 | (bits[start + $1] ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while out.count < capacity / 8 {
            out.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return out
    }

    /// Splits the data in blocks, adds each block's Reed–Solomon codewords, interleaves them.
    static func interleave(_ data: [UInt8], version: Int) -> [UInt8] {
        let blockCount = blocks[version], eccLength = eccPerBlock[version]
        let raw = rawModules(version) / 8
        let shortBlocks = blockCount - raw % blockCount
        let shortLength = raw / blockCount
        let divisor = ReedSolomon.divisor(degree: eccLength)
        var all: [[UInt8]] = []
        var k = 0
        for i in 0..<blockCount {
            let length = shortLength - eccLength + (i < shortBlocks ? 0 : 1)
            var block = Array(data[k..<k + length])
            k += length
            let ecc = ReedSolomon.remainder(block, divisor: divisor)
            if i < shortBlocks { block.append(0) }
            all.append(block + ecc)
        }
        var out: [UInt8] = []
        for i in 0..<all[0].count {
            for (j, block) in all.enumerated() where i != shortLength - eccLength || j >= shortBlocks {
                out.append(block[i])
            }
        }
        return out
    }

    enum ReedSolomon {
        static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
            var z = 0
            for i in stride(from: 7, through: 0, by: -1) {
                z = (z << 1) ^ ((z >> 7) * 0x11D)
                z ^= ((Int(y) >> i) & 1) * Int(x)
            }
            return UInt8(z)
        }

        static func divisor(degree: Int) -> [UInt8] {
            var result = [UInt8](repeating: 0, count: degree - 1) + [1]
            var root: UInt8 = 1
            for _ in 0..<degree {
                for j in 0..<degree {
                    result[j] = multiply(result[j], root)
                    if j + 1 < degree { result[j] ^= result[j + 1] }
                }
                root = multiply(root, 0x02)
            }
            return result
        }

        static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
            var result = [UInt8](repeating: 0, count: divisor.count)
            for byte in data {
                let factor = byte ^ result.removeFirst()
                result.append(0)
                for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
            }
            return result
        }
    }

    // MARK: - Drawing

    struct Builder {
        let version: Int
        let size: Int
        var modules: [Bool]
        var function: [Bool]

        init(version: Int) {
            self.version = version
            size = version * 4 + 17
            modules = [Bool](repeating: false, count: size * size)
            function = [Bool](repeating: false, count: size * size)
        }

        mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
            modules[y * size + x] = dark
            function[y * size + x] = true
        }

        mutating func drawFunctionPatterns() {
            for i in 0..<size {
                set(6, i, i % 2 == 0)
                set(i, 6, i % 2 == 0)
            }
            for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
                for dy in -4...4 {
                    for dx in -4...4 {
                        let x = cx + dx, y = cy + dy
                        guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                        let distance = max(abs(dx), abs(dy))
                        set(x, y, distance != 2 && distance != 4)
                    }
                }
            }
            let positions = alignmentPositions()
            let last = positions.count - 1
            for i in 0..<positions.count {
                for j in 0..<positions.count
                where !((i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0)) {
                    for dy in -2...2 {
                        for dx in -2...2 { set(positions[i] + dx, positions[j] + dy, max(abs(dx), abs(dy)) != 1) }
                    }
                }
            }
            drawFormatBits(mask: 0)  // reserves the area; the real bits are drawn after masking
            if version >= 7 {
                var remainder = version
                for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
                let bits = version << 12 | remainder
                for i in 0..<18 {
                    let bit = (bits >> i) & 1 == 1
                    let a = size - 11 + i % 3, b = i / 3
                    set(a, b, bit)
                    set(b, a, bit)
                }
            }
        }

        func alignmentPositions() -> [Int] {
            guard version > 1 else { return [] }
            let count = version / 7 + 2
            let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
            var result = [6]
            for i in 0..<(count - 1) { result.insert(size - 7 - i * step, at: 1) }
            return result
        }

        /// Level M (bits 00) and the mask, with their BCH code, in both copies; plus the dark module.
        mutating func drawFormatBits(mask: Int) {
            let data = 0b00 << 3 | mask
            var remainder = data
            for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
            let bits = (data << 10 | remainder) ^ 0x5412
            func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
            for i in 0...5 { set(8, i, bit(i)) }
            set(8, 7, bit(6))
            set(8, 8, bit(7))
            set(7, 8, bit(8))
            for i in 9..<15 { set(14 - i, 8, bit(i)) }
            for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
            for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
            set(8, size - 8, true)
        }

        mutating func drawCodewords(_ data: [UInt8]) {
            var i = 0
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                for vertical in 0..<size {
                    for j in 0..<2 {
                        let x = right - j
                        let upward = (right + 1) & 2 == 0
                        let y = upward ? size - 1 - vertical : vertical
                        if !function[y * size + x], i < data.count * 8 {
                            modules[y * size + x] = (data[i >> 3] >> (7 - UInt8(i & 7))) & 1 == 1
                            i += 1
                        }
                    }
                }
                right -= 2
            }
        }

        mutating func applyMask(_ mask: Int) {
            for y in 0..<size {
                for x in 0..<size where !function[y * size + x] {
                    let invert: Bool
                    switch mask {
                    case 0: invert = (x + y) % 2 == 0
                    case 1: invert = y % 2 == 0
                    case 2: invert = x % 3 == 0
                    case 3: invert = (x + y) % 3 == 0
                    case 4: invert = (x / 3 + y / 2) % 2 == 0
                    case 5: invert = x * y % 2 + x * y % 3 == 0
                    case 6: invert = (x * y % 2 + x * y % 3) % 2 == 0
                    default: invert = ((x + y) % 2 + x * y % 3) % 2 == 0
                    }
                    if invert { modules[y * size + x].toggle() }
                }
            }
        }

        /// The standard's four penalties: runs, 2×2 blocks, finder-like patterns, dark balance.
        func penalty() -> Int {
            var total = 0
            func line(_ get: (Int) -> Bool) {
                var run = 1
                for i in 1..<size {
                    if get(i) == get(i - 1) {
                        run += 1
                    } else {
                        if run >= 5 { total += 3 + run - 5 }
                        run = 1
                    }
                }
                if run >= 5 { total += 3 + run - 5 }
                let pattern: [Bool] = [true, false, true, true, true, false, true]
                for start in 0...(size - 7) where (0..<7).allSatisfy({ get(start + $0) == pattern[$0] }) {
                    let before = start >= 4 && (start - 4..<start).allSatisfy { !get($0) }
                    let after = start + 11 <= size && (start + 7..<start + 11).allSatisfy { !get($0) }
                    if before || after { total += 40 }
                }
            }
            for y in 0..<size { line { modules[y * size + $0] } }
            for x in 0..<size { line { modules[$0 * size + x] } }
            for y in 0..<(size - 1) {
                for x in 0..<(size - 1) {
                    let c = modules[y * size + x]
                    if c == modules[y * size + x + 1], c == modules[(y + 1) * size + x],
                        c == modules[(y + 1) * size + x + 1]
                    {
                        total += 3
                    }
                }
            }
            let darkCount = modules.filter { $0 }.count
            let percent = darkCount * 100 / modules.count
            total += abs(percent - 50) / 5 * 10
            return total
        }
    }

    // MARK: - Output

    /// An SVG image (a white quiet zone of 4 modules around), one path of dark runs, sharp at any
    /// size; `label` is its text alternative.
    public func svg(label: String, pixelsPerModule: Int = 4) -> String {
        let side = size + 8
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                var run = 1
                while x + run < size, isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + 4) \(y + 4)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let escaped = HTML.escaped(label)
        return
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"\(side * pixelsPerModule)\" height=\"\(side * pixelsPerModule)\" role=\"img\" aria-label=\"\(escaped)\" shape-rendering=\"crispEdges\"><rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    /// A plain greyscale image (PGM), for decoders that read pictures rather than SVG.
    public func pgm(scale: Int = 4) -> [UInt8] {
        let side = (size + 8) * scale
        var out = Array("P5\n\(side) \(side)\n255\n".utf8)
        out.reserveCapacity(out.count + side * side)
        for py in 0..<side {
            for px in 0..<side {
                let x = px / scale - 4, y = py / scale - 4
                let dark = (0..<size).contains(x) && (0..<size).contains(y) && isDark(x: x, y: y)
                out.append(dark ? 0 : 255)
            }
        }
        return out
    }
}
