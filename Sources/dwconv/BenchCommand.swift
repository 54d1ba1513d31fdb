import ArgumentParser
import DepthwiseConv
import Foundation

/// `dwconv bench`: times the library's public `Tensor` API on a suite of
/// depthwise layer shapes and compares each time with the memory-traffic
/// lower bound from the copy bandwidth measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the depthwise operations on a suite of layer shapes.",
        discussion: """
            For each case and operation, builds the operands once (deterministic values in \
            [-1, 1)), makes warm-up calls, then times --repetitions calls of the public Tensor \
            API (by default as many as fill about 0.2 s, at least 10) and reports the median and \
            the minimum in milliseconds.

            The memory bound is the time to move the operation's bytes once (its two operands \
            and its result) at the copy bandwidth measured in the same run: a scale-copy \
            b[i] = a[i] * 1.5 of two 64 MB arrays on every processor, counting reads and writes. \
            '% of bound' is bound / median * 100. The peak RSS is taken after the timed cases, \
            before the bandwidth test.

            A progress line per case goes to standard error; the table (or with --json, a JSON \
            object whose 'results' holds one record per case and operation) to standard output.

            The suite's cases (--cases takes these names, comma-separated):
            \(BenchCase.suite.map { "  \($0.name)" }.joined(separator: "\n"))

            --cases also takes any layer of the same form, \
            NxHxWxC[-mM]-kKsS[-valid][-nchw][-f64]: batch N, height H, width W, channels C, \
            depth multiplier M (default 1), a KxK filter at stride S, SAME padding unless \
            -valid, NHWC unless -nchw, float32 unless -f64.

            Example:
              dwconv bench --op backprop-input --threads 1 \\
                  --cases 1x56x56x144-k3s1,8x56x56x144-k3s1
            """
    )

    /// `--op`: one operation or all three.
    enum OperationChoice: String, ExpressibleByArgument, CaseIterable {
        case backpropInput = "backprop-input"
        case forward
        case backpropFilter = "backprop-filter"
        case all

        var operations: [BenchOperation] {
            switch self {
            case .backpropInput: [.backpropInput]
            case .forward: [.forward]
            case .backpropFilter: [.backpropFilter]
            case .all: BenchOperation.allCases
            }
        }
    }

    @Option(help: ArgumentHelp("The operation to time: backprop-input, forward, backprop-filter or all.", valueName: "op"))
    var op: OperationChoice = .all

    @OptionGroup
    var execution: ThreadOptions

    @Option(
        help: ArgumentHelp(
            "Timed calls per case and operation. (default: enough for about 0.2 s, at least 10; 3 with --quick)",
            valueName: "r"))
    var repetitions: Int?

    @Flag(help: "Print JSON on standard output instead of the table.")
    var json = false

    @Flag(help: "Time two tiny cases, 3 repetitions each (a smoke test; the times mean little).")
    var quick = false

    @Option(
        help: ArgumentHelp(
            "Only these cases, by name, comma-separated (the suite's, --quick's, or any "
                + "NxHxWxC[-mM]-kKsS[-valid][-nchw][-f64]).",
            valueName: "names"))
    var cases: String?

    @Flag(help: "List the cases (with --json, as JSON) and exit without timing.")
    var list = false

    func validate() throws {
        if let repetitions, repetitions < 1 {
            throw ValidationError("--repetitions must be at least 1, but got \(repetitions)")
        }
    }

    func run() throws {
        let selected = try selectedCases()
        if list {
            try printList(selected)
            return
        }
        let operations = op.operations
        let threads = execution.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let options = DepthwiseConvOptions(threadCount: threads)
        let isa = InstructionSet.selected.rawValue
        let repetitions = self.repetitions ?? (quick ? 3 : nil)

        var measured: [(BenchCase, BenchOperation, BenchTiming)] = []
        let total = selected.count * operations.count
        for benchCase in selected {
            for operation in operations {
                progress("[\(measured.count + 1)/\(total)] \(operation.rawValue) \(benchCase.summary) ...")
                let timing = try BenchRunner.time(
                    operation, on: benchCase, options: options, repetitions: repetitions)
                measured.append((benchCase, operation, timing))
            }
        }
        let peakRSS = BenchSystem.peakResidentBytes() ?? 0

        let bandwidthThreads = ProcessInfo.processInfo.activeProcessorCount
        progress("[bandwidth] scale-copy of 2 x 64 MB on \(bandwidthThreads) threads ...")
        let bandwidth = BenchSystem.copyBandwidth(threads: bandwidthThreads)

        let records = try measured.map { benchCase, operation, timing in
            try BenchRecord(
                benchCase, operation, timing, threads: threads, isa: isa, bytesPerSecond: bandwidth)
        }
        let report = BenchReport(
            isa: isa, threads: threads, bandwidthGBps: bandwidth / 1e9, bandwidthThreads: bandwidthThreads,
            peakRSSBytes: peakRSS, results: records)
        if json {
            print(try report.jsonText())
        } else {
            print(report.table())
        }
    }

    /// The cases to time: `--cases` from the suite and the quick cases, or
    /// the whole suite (the quick cases with `--quick`).
    private func selectedCases() throws -> [BenchCase] {
        guard let cases else { return quick ? BenchCase.quick : BenchCase.suite }
        let known = BenchCase.suite + BenchCase.quick
        let names = cases.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
            throw CommandLineError("--cases must list case names separated by commas, but got '\(cases)'")
        }
        return try names.map { name in
            if let found = known.first(where: { $0.name == name }) { return found }
            guard let parsed = BenchCase(name: name) else {
                throw CommandLineError(
                    "unknown case '\(name)' in --cases; expected a suite case (see --list) or a name of the "
                        + "form NxHxWxC[-mM]-kKsS[-valid][-nchw][-f64] with positive numbers, e.g. 2x40x40x120-k5s1")
            }
            try parsed.checkShape(name)
            return parsed
        }
    }

    private func printList(_ selected: [BenchCase]) throws {
        if json {
            let entries = try selected.map { try BenchCaseEntry($0) }
            print(try BenchReport.encode(entries))
        } else {
            for benchCase in selected {
                print("\(benchCase.name)  \(benchCase.summary)")
            }
        }
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// A case's description in JSON: its name and shape fields.
struct BenchCaseEntry: Encodable {
    let name: String
    let batch: Int
    let height: Int
    let width: Int
    let channels: Int
    let multiplier: Int
    let kernel: Int
    let stride: Int
    let padding: String
    let dtype: String
    let dataFormat: String
    let inputShape: [Int]
    let filterShape: [Int]
    let outputShape: [Int]
    let bytes: Int

    init(_ c: BenchCase) throws {
        name = c.name
        batch = c.batch
        height = c.height
        width = c.width
        channels = c.channels
        multiplier = c.multiplier
        kernel = c.kernel
        stride = c.stride
        padding = c.padding
        dtype = c.dtype.rawValue
        dataFormat = c.dataFormat.rawValue
        inputShape = c.inputShape
        filterShape = c.filterShape
        outputShape = try c.outputShape()
        bytes = try c.trafficBytes()
    }

    enum CodingKeys: String, CodingKey {
        case name, batch, height, width, channels, multiplier, kernel, stride, padding, dtype, bytes
        case dataFormat = "data_format"
        case inputShape = "input_shape"
        case filterShape = "filter_shape"
        case outputShape = "output_shape"
    }
}

/// One timed case and operation.
struct BenchRecord: Encodable {
    let op: String
    let caseName: String
    let batch: Int
    let height: Int
    let width: Int
    let channels: Int
    let multiplier: Int
    let kernel: Int
    let stride: Int
    let padding: String
    let dtype: String
    let dataFormat: String
    let threads: Int
    let isa: String
    let repetitions: Int
    let medianMs: Double
    let minMs: Double
    /// Bytes moved at least: the two operands and the result.
    let bytes: Int
    let boundMs: Double
    let percentOfBound: Double

    init(
        _ c: BenchCase, _ operation: BenchOperation, _ timing: BenchTiming, threads: Int, isa: String,
        bytesPerSecond: Double
    ) throws {
        op = operation.rawValue
        caseName = c.name
        batch = c.batch
        height = c.height
        width = c.width
        channels = c.channels
        multiplier = c.multiplier
        kernel = c.kernel
        stride = c.stride
        padding = c.padding
        dtype = c.dtype.rawValue
        dataFormat = c.dataFormat.rawValue
        self.threads = threads
        self.isa = isa
        repetitions = timing.samples.count
        let median = timing.median * 1e3
        let bytes = try c.trafficBytes()
        let bound = bytesPerSecond > 0 ? Double(bytes) / bytesPerSecond * 1e3 : 0
        // Nanosecond resolution is all the clock gives; rounding keeps the
        // JSON short.
        medianMs = Self.rounded(median, 1e6)
        minMs = Self.rounded(timing.minimum * 1e3, 1e6)
        self.bytes = bytes
        boundMs = Self.rounded(bound, 1e6)
        percentOfBound = median > 0 ? Self.rounded(bound / median * 100, 1e3) : 0
    }

    private static func rounded(_ value: Double, _ scale: Double) -> Double {
        (value * scale).rounded() / scale
    }

    enum CodingKeys: String, CodingKey {
        case op, batch, height, width, channels, multiplier, kernel, stride, padding, dtype, threads, isa
        case repetitions, bytes
        case caseName = "case"
        case dataFormat = "data_format"
        case medianMs = "median_ms"
        case minMs = "min_ms"
        case boundMs = "bound_ms"
        case percentOfBound = "percent_of_bound"
    }
}

/// Everything one `dwconv bench` run reports.
struct BenchReport: Encodable {
    let isa: String
    let threads: Int
    /// Copy bandwidth, reads plus writes, in 10^9 bytes per second.
    let bandwidthGBps: Double
    let bandwidthThreads: Int
    /// Peak RSS after the timed cases (before the bandwidth test).
    let peakRSSBytes: Int
    let results: [BenchRecord]

    enum CodingKeys: String, CodingKey {
        case isa, threads, results
        case bandwidthGBps = "bandwidth_gbps"
        case bandwidthThreads = "bandwidth_threads"
        case peakRSSBytes = "peak_rss_bytes"
    }

    func jsonText() throws -> String {
        try Self.encode(self)
    }

    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The human-readable report.
    func table() -> String {
        let header = ["op", "case", "dtype", "format", "median ms", "min ms", "reps", "bound ms", "% of bound"]
        let rows = results.map { r in
            [
                r.op, r.caseName, r.dtype, r.dataFormat, Self.decimal(r.medianMs, 3), Self.decimal(r.minMs, 3),
                "\(r.repetitions)", Self.decimal(r.boundMs, 3), Self.decimal(r.percentOfBound, 1),
            ]
        }
        // Text columns left-aligned, numbers right-aligned.
        let leftAligned = 4
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.indices.map { column in
                let pad = String(repeating: " ", count: widths[column] - cells[column].count)
                return column < leftAligned ? cells[column] + pad : pad + cells[column]
            }.joined(separator: "  ")
        }
        var lines = [
            "dwconv bench: isa \(isa), \(threads) thread\(threads == 1 ? "" : "s"), copy bandwidth "
                + "\(Self.decimal(bandwidthGBps, 1)) GB/s (read + write, \(bandwidthThreads) threads)",
            "",
            line(header),
            line(widths.map { String(repeating: "-", count: $0) }),
        ]
        lines += rows.map(line)
        lines += [
            "",
            "peak RSS: \(Self.decimal(Double(peakRSSBytes) / 1_048_576, 1)) MiB (after the timed cases)",
        ]
        return lines.joined(separator: "\n")
    }

    private static func decimal(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
