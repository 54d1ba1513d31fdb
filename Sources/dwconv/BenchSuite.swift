import DepthwiseConv
import Foundation

/// One operation `dwconv bench` times.
enum BenchOperation: String, CaseIterable, Codable, Sendable {
    case backpropInput = "backprop-input"
    case forward
    case backpropFilter = "backprop-filter"
}

/// A scalar type the benchmark can build operands in.
enum BenchDType: String, Codable, Sendable {
    case float32
    case float64

    var byteWidth: Int { self == .float32 ? 4 : 8 }
}

/// One layer shape of the benchmark suite: a `K`x`K` depthwise convolution
/// with depth multiplier `M` and equal row and column strides, no dilation.
struct BenchCase: Sendable {
    let batch: Int
    let height: Int
    let width: Int
    let channels: Int
    let multiplier: Int
    let kernel: Int
    let stride: Int
    /// `"SAME"` or `"VALID"`.
    let padding: String
    let dataFormat: DataFormat
    let dtype: BenchDType

    init(
        _ batch: Int, _ height: Int, _ width: Int, _ channels: Int, _ multiplier: Int, _ kernel: Int,
        _ stride: Int, _ padding: String, _ dataFormat: DataFormat = .nhwc, _ dtype: BenchDType = .float32
    ) {
        self.batch = batch
        self.height = height
        self.width = width
        self.channels = channels
        self.multiplier = multiplier
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dataFormat = dataFormat
        self.dtype = dtype
    }

    /// The short name `--cases` takes, e.g. `8x56x56x144-k3s1`,
    /// `4x28x28x32-m4-k5s1-valid`, `1x56x56x144-k3s1-nchw`.
    var name: String {
        var name = "\(batch)x\(height)x\(width)x\(channels)"
        if multiplier != 1 { name += "-m\(multiplier)" }
        name += "-k\(kernel)s\(stride)"
        if padding == "VALID" { name += "-valid" }
        if dataFormat == .nchw { name += "-nchw" }
        if dtype == .float64 { name += "-f64" }
        return name
    }

    /// Parses a case name of the form `name` produces,
    /// `<N>x<H>x<W>x<C>[-m<M>]-k<K>s<S>[-valid][-nchw][-f64]`, so that
    /// `--cases` can time any layer shape, not only the suite's; `nil` if
    /// `name` is not of that form or a dimension is out of range.
    init?(name: String) {
        var parts = name.split(separator: "-", omittingEmptySubsequences: false)[...]
        let dims = parts.popFirst()?.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard let dims, dims.count == 4, let batch = dims[0], let height = dims[1], let width = dims[2],
            let channels = dims[3]
        else { return nil }
        var multiplier = 1
        if let part = parts.first, part.hasPrefix("m") {
            guard let value = Int(part.dropFirst()) else { return nil }
            multiplier = value
            parts.removeFirst()
        }
        guard let window = parts.popFirst(), window.hasPrefix("k") else { return nil }
        let kernelAndStride = window.dropFirst().split(separator: "s", omittingEmptySubsequences: false)
        guard kernelAndStride.count == 2, let kernel = Int(kernelAndStride[0]), let stride = Int(kernelAndStride[1])
        else { return nil }
        // The optional suffixes, each at most once and in this order.
        var suffixes = parts.map(String.init)
        func take(_ suffix: String) -> Bool {
            guard suffixes.first == suffix else { return false }
            suffixes.removeFirst()
            return true
        }
        let padding = take("valid") ? "VALID" : "SAME"
        let dataFormat: DataFormat = take("nchw") ? .nchw : .nhwc
        let dtype: BenchDType = take("f64") ? .float64 : .float32
        let limit = 1 << 16
        guard suffixes.isEmpty,
            [batch, height, width, channels, multiplier, kernel, stride].allSatisfy({ (1...limit).contains($0) })
        else { return nil }
        self.init(batch, height, width, channels, multiplier, kernel, stride, padding, dataFormat, dtype)
    }

    /// The description on progress lines, e.g. `1x56x56x144 M1 K3 s1 SAME`.
    var summary: String {
        var text = "\(batch)x\(height)x\(width)x\(channels) M\(multiplier) K\(kernel) s\(stride) \(padding)"
        if dataFormat == .nchw { text += " NCHW" }
        if dtype == .float64 { text += " float64" }
        return text
    }

    var libraryPadding: Padding { padding == "VALID" ? .valid : .same }

    var strides: [Int] { dataFormat == .nhwc ? [1, stride, stride, 1] : [1, 1, stride, stride] }

    var inputShape: [Int] { shape(height, width, channels) }

    var filterShape: [Int] { [kernel, kernel, channels, multiplier] }

    /// The forward output's (and so `out_backprop`'s) shape.
    func outputShape() throws -> [Int] {
        try depthwiseConv2dNativeOutputShape(
            inputShape: inputShape, filterShape: filterShape, strides: strides, padding: libraryPadding,
            dataFormat: dataFormat)
    }

    /// The bytes any of the three operations must at least read and write:
    /// each touches the input (or its gradient), the filter (or its gradient)
    /// and the output (or its gradient) once, two as operands and one as its
    /// result.
    func trafficBytes() throws -> Int {
        let input = inputShape.reduce(1, *)
        let filter = filterShape.reduce(1, *)
        let output = try outputShape().reduce(1, *)
        return (input + filter + output) * dtype.byteWidth
    }

    /// Checks that a case parsed from a name can be timed: the library
    /// accepts its shapes, its output is not empty, and its operands and
    /// result take at most 1 GiB together.
    /// - Throws: ``CommandLineError`` naming the case otherwise.
    func checkShape(_ name: String) throws {
        let output: [Int]
        do {
            output = try outputShape()
        } catch {
            throw CommandLineError("case '\(name)': \(error)")
        }
        guard !output.contains(0) else {
            throw CommandLineError("case '\(name)' has an empty output: its filter is larger than its padded input")
        }
        // In Double: the products of a name's dimensions may overflow Int.
        let elements = [inputShape, filterShape, output].map { $0.reduce(1.0) { $0 * Double($1) } }
        let bytes = elements.reduce(0, +) * Double(dtype.byteWidth)
        guard bytes <= Double(1 << 30) else {
            let mebibytes = Int(bytes / Double(1 << 20))
            throw CommandLineError(
                "case '\(name)' needs \(mebibytes) MiB of operands and result; the limit is 1024 MiB")
        }
    }

    private func shape(_ height: Int, _ width: Int, _ channels: Int) -> [Int] {
        dataFormat == .nhwc ? [batch, height, width, channels] : [batch, channels, height, width]
    }

    /// The benchmark suite: MobileNet-style layers, plus one layer in NCHW and
    /// one in float64.
    static let suite: [BenchCase] = [
        BenchCase(1, 112, 112, 32, 1, 3, 1, "SAME"),
        BenchCase(1, 112, 112, 96, 1, 3, 2, "SAME"),
        BenchCase(1, 56, 56, 144, 1, 3, 1, "SAME"),
        BenchCase(8, 56, 56, 144, 1, 3, 1, "SAME"),
        BenchCase(4, 56, 56, 64, 2, 3, 1, "SAME"),
        BenchCase(4, 28, 28, 32, 4, 5, 1, "VALID"),
        BenchCase(1, 28, 28, 192, 1, 3, 1, "SAME"),
        BenchCase(1, 14, 14, 576, 1, 3, 1, "SAME"),
        BenchCase(1, 7, 7, 960, 1, 3, 1, "SAME"),
        BenchCase(1, 56, 56, 240, 1, 5, 2, "SAME"),
        BenchCase(1, 14, 14, 672, 1, 5, 1, "SAME"),
        BenchCase(8, 28, 28, 192, 1, 3, 2, "VALID"),
        BenchCase(1, 56, 56, 144, 1, 3, 1, "SAME", .nchw),
        BenchCase(1, 56, 56, 144, 1, 3, 1, "SAME", .nhwc, .float64),
    ]

    /// Two tiny cases for `--quick` (tests): they exercise both dtypes, both
    /// data formats, a depth multiplier, a stride and VALID padding.
    static let quick: [BenchCase] = [
        BenchCase(1, 6, 5, 3, 2, 3, 1, "SAME"),
        BenchCase(2, 7, 6, 4, 1, 3, 2, "VALID", .nchw, .float64),
    ]
}

/// Float and Double: the scalar types the suite builds operands in.
protocol BenchScalar: DepthwiseScalar, BinaryFloatingPoint {}
extension Float: BenchScalar {}
extension Double: BenchScalar {}

/// The timings of one operation on one case.
struct BenchTiming {
    /// Seconds per call, one entry per timed repetition.
    var samples: [Double]

    var median: Double {
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    var minimum: Double { samples.min() ?? 0 }
}

/// Builds a case's operands once and times calls of the public `Tensor` API.
enum BenchRunner {
    /// Seconds of timed calls to aim for when the repetitions aren't given.
    static let targetSeconds = 0.2
    /// The fewest timed repetitions when they aren't given.
    static let minimumRepetitions = 10
    /// The most timed repetitions when they aren't given.
    static let maximumRepetitions = 1_000_000
    /// Warm-up: at least this many calls, and at least `warmUpSeconds`.
    static let warmUpCalls = 2
    static let warmUpSeconds = 0.03

    /// Times `operation` on `benchCase`: warm-up calls, then `repetitions`
    /// timed calls (or as many as fill ``targetSeconds``, at least
    /// ``minimumRepetitions``).
    static func time(
        _ operation: BenchOperation, on benchCase: BenchCase, options: DepthwiseConvOptions, repetitions: Int?
    ) throws -> BenchTiming {
        switch benchCase.dtype {
        case .float32:
            try time(operation, on: benchCase, options: options, repetitions: repetitions, as: Float.self)
        case .float64:
            try time(operation, on: benchCase, options: options, repetitions: repetitions, as: Double.self)
        }
    }

    private static func time<T: BenchScalar>(
        _ operation: BenchOperation, on benchCase: BenchCase, options: DepthwiseConvOptions, repetitions: Int?,
        as: T.Type
    ) throws -> BenchTiming {
        let call = try makeCall(operation, on: benchCase, options: options, as: T.self)
        let clock = ContinuousClock()
        var sink = T.zero

        // Warm-up, which also estimates the time of one call: the median of
        // the warm-up calls, as the first call of a process also pays for
        // one-time set-up (CPU detection, thread start, page faults).
        var warmUpTimes: [Double] = []
        var warmUpElapsed = 0.0
        while warmUpTimes.count < warmUpCalls || warmUpElapsed < warmUpSeconds {
            let start = clock.now
            sink += try call()
            let elapsed = seconds(clock.now - start)
            warmUpTimes.append(elapsed)
            warmUpElapsed += elapsed
        }
        let count = repetitions ?? estimatedRepetitions(perCall: BenchTiming(samples: warmUpTimes).median)

        var samples: [Double] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let start = clock.now
            sink += try call()
            samples.append(seconds(clock.now - start))
        }
        keep(sink)
        return BenchTiming(samples: samples)
    }

    static func estimatedRepetitions(perCall: Double) -> Int {
        guard perCall > 0 else { return maximumRepetitions }
        let wanted = (targetSeconds / perCall).rounded(.up)
        return Int(min(max(wanted, Double(minimumRepetitions)), Double(maximumRepetitions)))
    }

    /// A closure that makes one call of the public API on operands built once;
    /// it returns one scalar of the result so the call can't be optimized away.
    private static func makeCall<T: BenchScalar>(
        _ operation: BenchOperation, on benchCase: BenchCase, options: DepthwiseConvOptions, as: T.Type
    ) throws -> () throws -> T {
        var generator = DeterministicGenerator(seed: 0x5EED_0000 &+ UInt64(benchCase.name.utf8.count))
        func tensor(_ shape: [Int]) throws -> Tensor<T> {
            let count = shape.reduce(1, *)
            return try Tensor(shape: shape, scalars: (0..<count).map { _ in T(generator.nextSignedUnit()) })
        }
        let strides = benchCase.strides
        let padding = benchCase.libraryPadding
        let dataFormat = benchCase.dataFormat
        switch operation {
        case .backpropInput:
            let filter = try tensor(benchCase.filterShape)
            let outBackprop = try tensor(try benchCase.outputShape())
            let inputSizes = benchCase.inputShape
            return {
                let result = try depthwiseConv2dNativeBackpropInput(
                    inputSizes: inputSizes, filter: filter, outBackprop: outBackprop, strides: strides,
                    padding: padding, dataFormat: dataFormat, options: options)
                return result.scalars.last ?? .zero
            }
        case .forward:
            let input = try tensor(benchCase.inputShape)
            let filter = try tensor(benchCase.filterShape)
            return {
                let result = try depthwiseConv2dNative(
                    input: input, filter: filter, strides: strides, padding: padding, dataFormat: dataFormat,
                    options: options)
                return result.scalars.last ?? .zero
            }
        case .backpropFilter:
            let input = try tensor(benchCase.inputShape)
            let outBackprop = try tensor(try benchCase.outputShape())
            let filterSizes = benchCase.filterShape
            return {
                let result = try depthwiseConv2dNativeBackpropFilter(
                    input: input, filterSizes: filterSizes, outBackprop: outBackprop, strides: strides,
                    padding: padding, dataFormat: dataFormat, options: options)
                return result.scalars.last ?? .zero
            }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }

    /// Consumes a value so the calls that produced it stay.
    @inline(never)
    static func keep<T>(_ value: T) {
        withExtendedLifetime(value) {}
    }
}
