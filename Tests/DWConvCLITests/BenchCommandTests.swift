import Foundation
import Testing

/// `dwconv bench`: the structure of its output only. Timings are never
/// asserted on (they depend on the machine and its load).
@Suite("bench")
struct BenchCommandTests {
    static let operations = ["backprop-input", "forward", "backprop-filter"]
    static let quickCases = ["1x6x5x3-m2-k3s1", "2x7x6x4-k3s2-valid-nchw-f64"]

    private func jsonObject(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(text)")
    }

    @Test("--quick --json prints one well-formed record per case and operation")
    func quickJSON() throws {
        let workspace = try Workspace()
        let result = try workspace.run(["bench", "--quick", "--json", "--threads", "2"])
        #expect(result.exitedNormally && result.status == 0, "\(result)")
        let report = try jsonObject(result.standardOutput)

        let isa = try #require(report["isa"] as? String)
        #expect(["baseline", "avx2", "avx512"].contains(isa))
        #expect(report["threads"] as? Int == 2)
        let bandwidth = try #require(report["bandwidth_gbps"] as? Double)
        #expect(bandwidth > 0)
        let peak = try #require(report["peak_rss_bytes"] as? Int)
        #expect(peak > 0)

        let records = try #require(report["results"] as? [[String: Any]])
        #expect(records.count == Self.quickCases.count * Self.operations.count)
        var seen: [String] = []
        for record in records {
            let op = try #require(record["op"] as? String)
            let name = try #require(record["case"] as? String)
            seen.append("\(name) \(op)")
            #expect(Self.operations.contains(op))
            #expect(Self.quickCases.contains(name))
            for key in ["batch", "height", "width", "channels", "multiplier", "kernel", "stride", "bytes"] {
                let value = try #require(record[key] as? Int, "\(key) in \(record)")
                #expect(value > 0, "\(key)")
            }
            #expect(["SAME", "VALID"].contains(record["padding"] as? String ?? ""))
            #expect(["float32", "float64"].contains(record["dtype"] as? String ?? ""))
            #expect(["NHWC", "NCHW"].contains(record["data_format"] as? String ?? ""))
            #expect(record["threads"] as? Int == 2)
            #expect(record["isa"] as? String == isa)
            #expect(record["repetitions"] as? Int == 3)
            for key in ["median_ms", "min_ms", "bound_ms", "percent_of_bound"] {
                let value = try #require(record[key] as? Double, "\(key) in \(record)")
                #expect(value.isFinite && value >= 0, "\(key)")
            }
        }
        #expect(Set(seen).count == records.count)
        let nchw = try #require(records.first { $0["case"] as? String == Self.quickCases[1] })
        #expect(nchw["dtype"] as? String == "float64")
        #expect(nchw["data_format"] as? String == "NCHW")
        #expect(nchw["padding"] as? String == "VALID")

        // A progress line per case and operation on standard error, nothing in
        // the working directory.
        let progress = result.errorLines.filter { $0.hasPrefix("[") && $0.contains("/6] ") }
        #expect(progress.count == records.count, "\(result.standardError)")
        #expect(!result.standardError.contains("error:"))
        #expect(try workspace.listing().isEmpty)
    }

    @Test("The table lists the chosen cases, --op and --repetitions apply")
    func table() throws {
        let workspace = try Workspace()
        let result = try workspace.run([
            "bench", "--cases", Self.quickCases[0], "--op", "forward", "--repetitions", "2", "--threads", "1",
        ])
        #expect(result.exitedNormally && result.status == 0, "\(result)")
        let output = result.standardOutput
        #expect(output.contains("median ms"))
        #expect(output.contains("% of bound"))
        #expect(output.contains("GB/s"))
        #expect(output.contains("peak RSS"))
        #expect(output.contains("1 thread,"))
        let rows = output.split(separator: "\n").filter { $0.hasPrefix("forward ") }
        #expect(rows.count == 1)
        #expect(rows.first?.contains(Self.quickCases[0]) == true)
        #expect(!output.contains("backprop-"))
        #expect(result.errorLines.first?.hasPrefix("[1/1] forward 1x6x5x3 M2 K3 s1 SAME") == true)
    }

    @Test("--list --json describes every suite case without timing")
    func list() throws {
        let result = try Workspace().run(["bench", "--list", "--json"])
        #expect(result.exitedNormally && result.status == 0, "\(result)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
        let cases = try #require(object as? [[String: Any]])
        #expect(cases.count == 14)
        let names = cases.compactMap { $0["name"] as? String }
        #expect(Set(names).count == 14)
        #expect(names.contains("1x56x56x144-k3s1"))
        #expect(names.contains("1x56x56x144-k3s1-nchw"))
        #expect(names.contains("1x56x56x144-k3s1-f64"))
        let first = try #require(cases.first)
        #expect(first["input_shape"] as? [Int] == [1, 112, 112, 32])
        #expect(first["filter_shape"] as? [Int] == [3, 3, 32, 1])
        #expect(first["output_shape"] as? [Int] == [1, 112, 112, 32])
        #expect(result.standardError.isEmpty)
    }

    @Test("--cases takes any layer by name, outside the suite too")
    func anyLayer() throws {
        let name = "2x9x7x5-m3-k5s2-valid-nchw-f64"
        let listed = try Workspace().run(["bench", "--list", "--json", "--cases", "\(name),1x8x6x3-k3s1"])
        #expect(listed.exitedNormally && listed.status == 0, "\(listed)")
        let object = try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8))
        let cases = try #require(object as? [[String: Any]])
        try #require(cases.count == 2)
        let parsed = cases[0]
        #expect(parsed["name"] as? String == name)
        #expect(parsed["batch"] as? Int == 2)
        #expect(parsed["height"] as? Int == 9)
        #expect(parsed["width"] as? Int == 7)
        #expect(parsed["channels"] as? Int == 5)
        #expect(parsed["multiplier"] as? Int == 3)
        #expect(parsed["kernel"] as? Int == 5)
        #expect(parsed["stride"] as? Int == 2)
        #expect(parsed["padding"] as? String == "VALID")
        #expect(parsed["data_format"] as? String == "NCHW")
        #expect(parsed["dtype"] as? String == "float64")
        #expect(parsed["input_shape"] as? [Int] == [2, 5, 9, 7])
        #expect(parsed["filter_shape"] as? [Int] == [5, 5, 5, 3])
        // VALID: (9 - 5 + 2) / 2 = 3 rows, (7 - 5 + 2) / 2 = 2 columns.
        #expect(parsed["output_shape"] as? [Int] == [2, 15, 3, 2])
        let plain = cases[1]
        #expect(plain["name"] as? String == "1x8x6x3-k3s1")
        #expect(plain["padding"] as? String == "SAME")
        #expect(plain["data_format"] as? String == "NHWC")
        #expect(plain["dtype"] as? String == "float32")
        #expect(plain["multiplier"] as? Int == 1)
        #expect(plain["output_shape"] as? [Int] == [1, 8, 6, 3])

        let timed = try Workspace().run([
            "bench", "--cases", "1x9x4x3-m2-k3s2", "--op", "backprop-input", "--repetitions", "1", "--threads", "1",
        ])
        #expect(timed.exitedNormally && timed.status == 0, "\(timed)")
        let rows = timed.standardOutput.split(separator: "\n").filter { $0.hasPrefix("backprop-input ") }
        #expect(rows.count == 1)
        #expect(rows.first?.contains(" 1x9x4x3-m2-k3s2 ") == true)
    }

    @Test(
        "Bad arguments fail with one error line",
        arguments: [
            ["bench", "--cases", "no-such-case"],
            ["bench", "--cases", ","],
            ["bench", "--cases", "1x5x5x5-k3s0"],
            ["bench", "--cases", "1x5x5-k3s1"],
            ["bench", "--cases", "1x5x5x5-k3s1-f64-nchw"],
            ["bench", "--cases", "1x5x5x5-k3"],
            ["bench", "--cases", "1x3x3x8-k5s1-valid"],
            ["bench", "--cases", "1x2x2x8-k3s1-valid"],
            ["bench", "--cases", "1x65536x65536x65536-k3s1"],
            ["bench", "--cases", "99999999999999999999x5x5x5-k3s1"],
            ["bench", "--op", "backward"],
            ["bench", "--repetitions", "0"],
            ["bench", "--threads", "0"],
        ])
    func badArguments(_ arguments: [String]) throws {
        let result = try Workspace().run(arguments)
        #expect(result.exitedNormally && result.status == 1, "\(result)")
        #expect(result.standardOutput.isEmpty)
        #expect(result.errorLines.count == 1, "\(result)")
        #expect(result.errorLines.first?.hasPrefix("error: ") == true)
    }
}
