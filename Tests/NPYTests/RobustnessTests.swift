import Testing
import NPY

/// Feeds mutated and random inputs to the parser: it must return an array or
/// throw an `NPYError` with a one-line message, and never trap.
@Suite("Robustness against arbitrary bytes")
struct RobustnessTests {
    static let seeds: [[UInt8]] = [
        NumPyFiles.float32Matrix,
        NumPyFiles.float16Vector,
        NumPyFiles.float64Matrix,
        NumPyFiles.version2,
        NumPyFiles.version3,
        npyFile(header: headerText(shape: "()"), data: [0, 0, 0x80, 0x3F]),
        npyFile(header: headerText(descr: "'<f8'", shape: "(0, 3)")),
    ]

    /// Tokens that steer mutations toward interesting header syntax.
    static let tokens: [String] = [
        "(", ")", "[", "]", "{", "}", "'", "\"", ",", ":", " ", "\n", "\\", "-", "+", "0", "1", "L", "e", ".", "_",
        "True", "False", "None", "'descr'", "'shape'", "'fortran_order'", "'<f2'", "'<f8'", "'>f4'",
        "9223372036854775807", "99999999999999999999", "-1", "(0,)", "(2, 3)", "((((((((", "\u{0}", "\u{93}",
    ]

    /// Checks one input: parse it, and if that succeeds, check the result
    /// survives a round trip. Returns whether it parsed.
    static func check(_ bytes: [UInt8]) -> Bool {
        do {
            let array = try NPYArray(parsing: bytes)
            #expect(array.rawData.count == array.count * array.dtype.byteWidth)
            #expect(array.floatValues().count == array.count)
            #expect((try? NPYArray(parsing: array.serialized())) == array)
            return true
        } catch let error as NPYError {
            let message = error.description
            #expect(!message.isEmpty && !message.contains("\n"), "\(message)")
            return false
        } catch {
            Issue.record("unexpected error type: \(error)")
            return false
        }
    }

    /// Mutates the header text of a valid file (and sometimes its data
    /// size), then rewrites the header length field to match, so that the
    /// mutations reach the dictionary parser and its validation.
    static func mutateHeader(_ input: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        let lengthSize = input[6] == 1 ? 2 : 4
        let start = 8 + lengthSize
        let length = (0..<lengthSize).reduce(0) { $0 | Int(input[8 + $1]) << (8 * $1) }
        var header = Array(input[start..<(start + length)])
        var data = Array(input[(start + length)...])
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = Int.random(in: 0...header.count, using: &random)
            let token = Array(tokens[Int.random(in: 0..<tokens.count, using: &random)].utf8)
            switch Int.random(in: 0..<5, using: &random) {
            case 0:
                header.insert(contentsOf: token, at: position)
            case 1:
                let end = min(header.count, position + token.count)
                header.replaceSubrange(position..<end, with: token)
            case 2:
                let end = min(header.count, position + Int.random(in: 1...6, using: &random))
                header.removeSubrange(position..<end)
            case 3 where position < header.count:
                header[position] = UInt8.random(in: .min ... .max, using: &random)
            default:
                if Bool.random(using: &random), !data.isEmpty {
                    data.removeLast(Int.random(in: 1...data.count, using: &random))
                } else {
                    data += [UInt8](repeating: 0, count: Int.random(in: 1...16, using: &random))
                }
            }
        }
        var file = Array(input[..<8])
        for index in 0..<lengthSize {
            file.append(UInt8(truncatingIfNeeded: header.count >> (8 * index)))
        }
        return file + header + data
    }

    static func mutate(_ input: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        if Bool.random(using: &random) {
            return mutateHeader(input, using: &random)
        }
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            // Mostly aim at the preamble and header, where the parsing is.
            let limit = Bool.random(using: &random) ? min(bytes.count, 140) : bytes.count
            let position = Int.random(in: 0...limit, using: &random)
            switch Int.random(in: 0..<8, using: &random) {
            case 0 where position < bytes.count:
                bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1 where position < bytes.count:
                bytes[position] = UInt8.random(in: .min ... .max, using: &random)
            case 2:
                bytes.removeSubrange(position...)
            case 3:
                let count = Int.random(in: 1...8, using: &random)
                bytes.insert(contentsOf: (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &random) }, at: position)
            case 4 where position < bytes.count:
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &random))
                bytes.removeSubrange(position..<end)
            case 5:
                let token = tokens[Int.random(in: 0..<tokens.count, using: &random)]
                bytes.insert(contentsOf: Array(token.utf8), at: position)
            case 6 where position < bytes.count:
                let token = Array(tokens[Int.random(in: 0..<tokens.count, using: &random)].utf8)
                let end = min(bytes.count, position + token.count)
                bytes.replaceSubrange(position..<end, with: token)
            case 7 where bytes.count >= 12:
                // Rewrite the header length field (either width).
                bytes[8] = UInt8.random(in: .min ... .max, using: &random)
                bytes[9] = UInt8.random(in: 0...1, using: &random)
                if Bool.random(using: &random) {
                    bytes[10] = 0
                    bytes[11] = 0
                }
            default:
                break
            }
        }
        return bytes
    }

    @Test("20,000 mutated copies of valid files parse or throw")
    func mutatedFiles() {
        var random = SplitMix64(seed: 0x5EED_0F_4E_50_59)
        var parsed = 0
        for iteration in 0..<20_000 {
            let seed = Self.seeds[iteration % Self.seeds.count]
            if Self.check(Self.mutate(seed, using: &random)) {
                parsed += 1
            }
        }
        // Some mutations (e.g. in the padding) keep files valid; most break them.
        #expect(parsed > 0)
        #expect(parsed < 20_000)
    }

    @Test("Random header texts parse or throw")
    func randomHeaders() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<5_000 {
            var header = ""
            for _ in 0..<Int.random(in: 0...24, using: &random) {
                header += Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)]
            }
            let data = [UInt8](repeating: 0, count: Int.random(in: 0...8, using: &random))
            let major = [UInt8(1), 2, 3][Int.random(in: 0..<3, using: &random)]
            _ = Self.check(npyFile(header: header, major: major, data: data))
        }
    }

    @Test("Random byte strings parse or throw")
    func randomBytes() {
        var random = SplitMix64(seed: 7)
        let prefix: [UInt8] = [0x93] + Array("NUMPY".utf8)
        for length in 0..<2_000 {
            var bytes = (0..<(length % 200)).map { _ in UInt8.random(in: .min ... .max, using: &random) }
            if length % 2 == 0 {
                bytes = prefix + [UInt8.random(in: 1...3, using: &random), 0] + bytes
            }
            #expect(!Self.check(bytes))
        }
    }

    @Test("Every prefix of a valid file except the whole is refused")
    func everyTruncation() {
        for seed in Self.seeds {
            for length in 0..<seed.count {
                #expect(!Self.check(Array(seed[..<length])), "length \(length)")
            }
            #expect(Self.check(seed))
        }
    }
}
