// libFuzzer target: the three depthwise operations through the public API.
//
// The input bytes choose an operation, a scalar type, a data format, small
// shapes, strides, dilations, a padding, a thread count and an
// instruction-set variant, and (in "chaos" mode) break some of them on
// purpose: wrong ranks and counts, zero, negative and huge values, mismatched
// operands, buffers of the wrong size or overlapping the result.
//
// A thrown `DepthwiseConvError` is fine. Findings (each traps, so libFuzzer
// saves the input):
// - a crash, an overflow trap or a bad memory access (AddressSanitizer);
// - a call this file's own float64 reference considers invalid is accepted;
// - a well-formed call (no chaos) is refused;
// - an accepted call's result has the wrong shape, or an element differs
//   from the reference by more than the error bound of its scalar type
//   (unit roundoff x number of terms x sum of |terms|), or an element of a
//   caller-owned result buffer is left unwritten;
// - the result is not bit-identical to the same call run with one thread on
//   the baseline kernels.
//
// Run with a small memory limit so that huge shapes are refused cheaply.

import DepthwiseConv
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOps(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : [UInt8](UnsafeBufferPointer(start: data, count: size))
    var input = FuzzInput(bytes: bytes)
    let call = FuzzCall(decoding: &input)
    if printCalls { report("\(call)") }
    switch call.scalarIndex {
    case 0: run(call, Float.self)
    case 1: run(call, Double.self)
    case 2: run(call, Float16.self)
    default: run(call, BFloat16.self)
    }
    return 0
}

/// The memory limit every fuzzed call runs with.
let fuzzMemoryLimit = 64 << 20

// MARK: - Decoding

/// Reads the fuzzer's bytes front to back; past the end every byte is 0.
struct FuzzInput {
    let bytes: [UInt8]
    var position = 0

    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func uint64() -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) { value |= UInt64(byte()) << UInt64(shift) }
        return value
    }
}

/// Values that sit on or across the validation boundaries.
let specialIntegers: [Int] = [
    -1, -2, -7, 0, 1, 7, 8, 31, 100, 65_535, 65_536, 1 << 20, (1 << 31) - 1, 1 << 31, 1 << 32, 1 << 40,
    1 << 62, Int.max / 2, Int.max - 1, Int.max, Int.min, Int.min + 1, -(1 << 31), -(1 << 62),
]

enum Operation: Int, CaseIterable { case forward, backpropInput, backpropFilter }

/// The ways chaos mode breaks a call; each is one bit of a 16-bit mask.
enum Chaos: Int {
    case specialDims = 0, specialStrides, specialPads, strideCount, strideBatchOrDepth, dilationCount
    case dilationBatchOrDepth, padCount, padBatchOrDepth, filterDepth, outBackpropShape, rank, operandCount
    case options, overlap, explicitLength
}

/// Everything one fuzzer input asks for.
struct FuzzCall {
    var operation: Operation
    var scalarIndex: Int
    var dataFormat: DataFormat
    var usesBuffers: Bool
    var chaos: UInt16
    var inputShape: [Int]
    var filterShape: [Int]
    var outBackpropShape: [Int]
    var strides: [Int]
    var dilations: [Int]
    var padding: Padding
    var options: DepthwiseConvOptions
    /// Element-count offsets for the operands and the result (chaos only).
    var countErrors: [Int] = [0, 0, 0]
    /// How many elements the result buffer overlaps the first operand by.
    var overlap = 0
    var valueSeed: UInt64
    var specialValueRate: UInt8

    var isChaotic: Bool { chaos != 0 }
    func has(_ kind: Chaos) -> Bool { chaos & (1 << UInt16(kind.rawValue)) != 0 }

    init(decoding input: inout FuzzInput) {
        let b0 = Int(input.byte()), b1 = Int(input.byte()), b2 = input.byte()
        operation = Operation(rawValue: b0 % 3)!
        scalarIndex = (b0 / 3) % 4
        dataFormat = (b0 / 12) % 2 == 0 ? .nhwc : .nchw
        usesBuffers = (b0 / 24) % 2 == 1
        let paddingKind = b1 % 3
        let threadCount = 1 + (b1 / 3) % 3
        let isaChoice = (b1 / 9) % 4
        chaos = b2 >= 192 ? (UInt16(input.byte()) | UInt16(input.byte()) << 8) : 0
        let chaosMask = chaos
        func has(_ kind: Chaos) -> Bool { chaosMask & (1 << UInt16(kind.rawValue)) != 0 }

        // Small values, or (chaos) an occasional boundary value.
        func small(_ range: ClosedRange<Int>, special: Bool) -> Int {
            let byte = Int(input.byte())
            if special && byte >= 0xE0 { return specialIntegers[(byte - 0xE0) % specialIntegers.count] }
            return range.lowerBound + byte % range.count
        }
        let specialDims = has(.specialDims)
        let batch = small(0...3, special: specialDims)
        let height = small(0...6, special: specialDims)
        let width = small(0...6, special: specialDims)
        let channels = small(0...6, special: specialDims)
        let multiplier = small(0...4, special: specialDims)
        let filterHeight = small(0...6, special: specialDims)
        let filterWidth = small(0...6, special: specialDims)
        let specialStrides = has(.specialStrides)
        let strideHeight = small(1...3, special: specialStrides)
        let strideWidth = small(1...3, special: specialStrides)
        let dilationHeight = small(1...3, special: specialStrides)
        let dilationWidth = small(1...3, special: specialStrides)
        let specialPads = has(.specialPads)
        let pads = (0..<4).map { _ in small(0...3, special: specialPads) }

        let format = dataFormat
        func shape(_ h: Int, _ w: Int, _ c: Int) -> [Int] {
            format == .nhwc ? [batch, h, w, c] : [batch, c, h, w]
        }
        func spatial(_ h: Int, _ w: Int, _ other: Int) -> [Int] {
            format == .nhwc ? [other, h, w, other] : [other, other, h, w]
        }
        inputShape = shape(height, width, channels)
        filterShape = [filterHeight, filterWidth, channels, multiplier]
        strides = spatial(strideHeight, strideWidth, 1)
        dilations = spatial(dilationHeight, dilationWidth, 1)
        switch paddingKind {
        case 0: padding = .same
        case 1: padding = .valid
        default:
            padding = .explicit(format == .nhwc
                ? [0, 0, pads[0], pads[1], pads[2], pads[3], 0, 0]
                : [0, 0, 0, 0, pads[0], pads[1], pads[2], pads[3]])
        }
        // The out_backprop shape the operation needs, when there is one.
        let geometry = ReferenceGeometry(
            inputShape: inputShape, filterShape: filterShape, strides: strides, dilations: dilations,
            padding: padding, dataFormat: format)
        if let geometry, let rows = Int(exactly: geometry.rows.size), let cols = Int(exactly: geometry.cols.size),
            let depth = Int(exactly: geometry.outputChannels)
        {
            outBackpropShape = shape(rows, cols, depth)
        } else {
            outBackpropShape = shape(0, 0, 0)
        }

        // Chaos: break things on purpose.
        func delta() -> Int {
            let byte = Int(input.byte())
            return byte >= 0xF0 ? specialIntegers[(byte - 0xF0) % specialIntegers.count] : byte % 5 - 2
        }
        func resized(_ list: [Int]) -> [Int] {
            let byte = Int(input.byte())
            let length = byte % 9
            return (0..<length).map { $0 < list.count ? list[$0] : 1 + byte / 9 % 3 }
        }
        let batchOrDepth = [0, format == .nhwc ? 3 : 1]
        if has(.strideCount) { strides = resized(strides) }
        if has(.strideBatchOrDepth), strides.count == 4 { strides[batchOrDepth[Int(input.byte()) % 2]] &+= delta() }
        if has(.dilationCount) { dilations = resized(dilations) }
        if has(.dilationBatchOrDepth), dilations.count == 4 {
            dilations[batchOrDepth[Int(input.byte()) % 2]] &+= delta()
        }
        if case .explicit(var list) = padding {
            if has(.padCount) { list = resized(list) }
            if has(.padBatchOrDepth), list.count == 8 {
                list[2 * batchOrDepth[Int(input.byte()) % 2] + Int(input.byte()) % 2] &+= delta()
            }
            padding = .explicit(list)
        }
        if has(.explicitLength) {
            padding = .explicit((0..<Int(input.byte()) % 10).map { _ in small(0...3, special: true) })
        }
        if has(.filterDepth) { filterShape[2] &+= delta() }
        if has(.outBackpropShape) { outBackpropShape[Int(input.byte()) % 4] &+= delta() }
        if has(.rank) {
            let which = Int(input.byte())
            func reshape(_ shape: inout [Int]) {
                if which & 4 == 0 {
                    shape.removeLast(min(shape.count, which / 8 % 3 + 1))
                } else {
                    shape += Array(repeating: 1 + which / 8 % 3, count: which / 32 % 3 + 1)
                }
            }
            switch which % 3 {
            case 0: reshape(&inputShape)
            case 1: reshape(&filterShape)
            default: reshape(&outBackpropShape)
            }
        }
        if has(.operandCount) { countErrors = [delta(), delta(), delta()] }
        if has(.overlap) { overlap = 1 + Int(input.byte()) }

        var threads: Int? = threadCount
        var memoryLimit: Int? = fuzzMemoryLimit
        if has(.options) {
            let byte = Int(input.byte())
            switch byte % 6 {
            case 0: threads = 0
            case 1: threads = -1 - byte / 6
            case 2: threads = 17 + byte / 6
            case 3: memoryLimit = -1 - byte / 6
            case 4: memoryLimit = byte / 6 * 64
            default: memoryLimit = 0
            }
        }
        let isa: InstructionSet? = isaChoice == 0 ? nil : InstructionSet.allCases[isaChoice - 1]
        options = DepthwiseConvOptions(threadCount: threads, memoryLimit: memoryLimit, instructionSet: isa)
        valueSeed = input.uint64()
        specialValueRate = input.byte()
    }

    /// The shapes of the two operands, in the order the operation takes them.
    var operandShapes: [[Int]] {
        switch operation {
        case .forward: [inputShape, filterShape]
        case .backpropInput: [filterShape, outBackpropShape]
        case .backpropFilter: [inputShape, outBackpropShape]
        }
    }
}

// MARK: - Scalars

/// The scalar types, with what the error bound needs.
protocol FuzzScalar: DepthwiseScalar {
    init(fuzzValue: Double)
    var fuzzValue: Double { get }
    var bits: UInt64 { get }
    /// Unit roundoff of the accumulation (the 16-bit types accumulate in `Float`).
    static var accumulationRoundoff: Double { get }
    /// Unit roundoff of the final rounding to this type (0 where there is none).
    static var storageRoundoff: Double { get }
    /// The smallest positive subnormal: the absolute error of rounding near zero.
    static var smallestSubnormal: Double { get }
    /// Finite values at or above this round to infinity.
    static var overflowThreshold: Double { get }
    /// A NaN to pre-fill caller-owned results, to catch unwritten elements.
    static var sentinel: Self { get }
}

extension Float: FuzzScalar {
    init(fuzzValue: Double) { self = Float(fuzzValue) }
    var fuzzValue: Double { Double(self) }
    var bits: UInt64 { UInt64(bitPattern) }
    static var accumulationRoundoff: Double { 0x1p-24 }
    static var storageRoundoff: Double { 0 }
    static var smallestSubnormal: Double { 0x1p-149 }
    static var overflowThreshold: Double { 0x1.ffffffp127 }
    static var sentinel: Float { Float(bitPattern: 0x7FC0_DEAD) }
}

extension Double: FuzzScalar {
    init(fuzzValue: Double) { self = fuzzValue }
    var fuzzValue: Double { self }
    var bits: UInt64 { bitPattern }
    static var accumulationRoundoff: Double { 0x1p-53 }
    static var storageRoundoff: Double { 0 }
    static var smallestSubnormal: Double { Double.leastNonzeroMagnitude }
    static var overflowThreshold: Double { Double.greatestFiniteMagnitude }
    static var sentinel: Double { Double(bitPattern: 0x7FF8_0000_DEAD_BEEF) }
}

extension Float16: FuzzScalar {
    init(fuzzValue: Double) { self = Float16(Float(fuzzValue)) }
    var fuzzValue: Double { Double(Float(self)) }
    var bits: UInt64 { UInt64(bitPattern) }
    static var accumulationRoundoff: Double { 0x1p-24 }
    static var storageRoundoff: Double { 0x1p-11 }
    static var smallestSubnormal: Double { 0x1p-24 }
    static var overflowThreshold: Double { 65520 }
    static var sentinel: Float16 { Float16(bitPattern: 0x7E0D) }
}

extension BFloat16: FuzzScalar {
    init(fuzzValue: Double) { self = BFloat16(Float(fuzzValue)) }
    var fuzzValue: Double { Double(floatValue) }
    var bits: UInt64 { UInt64(bitPattern) }
    static var accumulationRoundoff: Double { 0x1p-24 }
    static var storageRoundoff: Double { 0x1p-8 }
    static var smallestSubnormal: Double { 0x1p-133 }
    static var overflowThreshold: Double { 0x1.ff8p127 }
    static var sentinel: BFloat16 { BFloat16(bitPattern: 0x7FCD) }
}

/// SplitMix64: operand values from a seed, so big operands cost no input bytes.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let specialValues: [Double] = [.nan, .infinity, -.infinity, -0.0, 65504, -65504, 0x1p-14, 0x1p-24, -0x1p-24]

/// `count` operand values: multiples of 1/16 in (-8, 8), exact in every
/// scalar type, and at the given rate NaN, infinities, -0 and extremes.
func operandValues<T: FuzzScalar>(_ count: Int, _ generator: inout SplitMix64, rate: UInt8, as: T.Type) -> [T] {
    (0..<count).map { _ in
        let r = generator.next()
        if rate > 0, UInt8(truncatingIfNeeded: r >> 40) < rate / 8 {
            return T(fuzzValue: specialValues[Int(r >> 48) % specialValues.count])
        }
        return T(fuzzValue: Double(Int(r % 253) - 126) / 16)
    }
}

// MARK: - Running one call

/// Element counts beyond this are not allocated for operands: such a call
/// gets a short operand and must be refused.
let operandCap = 1 << 16

func elementCount(_ shape: [Int]) -> Int? {
    var product = 1
    for dimension in shape {
        guard dimension >= 0 else { return nil }
        let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
        if overflow { return shape.contains(0) ? 0 : nil }
        product = next
    }
    return shape.contains(0) ? 0 : product
}

func finding(_ message: String, _ call: FuzzCall) -> Never {
    fatalError("FINDING: \(message)\n  call: \(call)")
}

func run<T: FuzzScalar>(_ call: FuzzCall, _ type: T.Type) {
    var generator = SplitMix64(state: call.valueSeed)
    let shapes = call.operandShapes
    // Operand scalars: the right count where the shape is sane, else a
    // short array (the call must then be refused), plus chaos offsets.
    var operands: [[T]] = []
    var operandsExact = true
    for (index, shape) in shapes.enumerated() {
        var count = elementCount(shape).map { $0 <= operandCap ? $0 : -1 } ?? -1
        if count < 0 { count = 3; operandsExact = false }
        let error = call.countErrors[index]
        if error != 0 {
            let adjusted = count.addingReportingOverflow(error)
            if !adjusted.overflow, adjusted.partialValue >= 0, adjusted.partialValue <= operandCap {
                count = adjusted.partialValue
                operandsExact = false
            }
        }
        operands.append(operandValues(count, &generator, rate: call.specialValueRate, as: T.self))
    }
    let geometry = call.referenceGeometry
    let resultShape = geometry.map { call.resultShape($0) }
    // A valid call with billions of terms would only time out (the library
    // and the reference); it says nothing about correctness.
    if let geometry, (geometry.loopWork ?? Int128.max) > callWorkCap {
        if printCalls { report("skipped, too much work") }
        return
    }

    let outcome: [T]?
    var resultShapeSeen: [Int]?
    var bufferOverlaps = false
    var resultCountExact = true
    if call.usesBuffers {
        // Caller-owned memory: the result count comes from the reference
        // (or a guess), pre-filled with a NaN sentinel.
        var resultCount = resultShape.flatMap { elementCount($0) } ?? 4
        if resultCount > fuzzMemoryLimit { resultCount = 4; resultCountExact = false }
        if call.countErrors[2] != 0 {
            let adjusted = resultCount.addingReportingOverflow(call.countErrors[2])
            if !adjusted.overflow, adjusted.partialValue >= 0, adjusted.partialValue <= fuzzMemoryLimit {
                resultCountExact = resultCountExact && adjusted.partialValue == resultCount
                resultCount = adjusted.partialValue
            }
        }
        // Lay out [first operand | second operand | result] in one block, the
        // result moved back over the first operand when chaos asks for it.
        let firstCount = operands[0].count, secondCount = operands[1].count
        var resultOffset = firstCount + secondCount
        if call.overlap > 0, resultCount > 0, firstCount + secondCount > 0 {
            resultOffset -= min(call.overlap, firstCount + secondCount)
            bufferOverlaps = true
        }
        let block = UnsafeMutableBufferPointer<T>.allocate(capacity: max(resultOffset + resultCount, firstCount + secondCount, 1))
        defer { block.deallocate() }
        block.initialize(repeating: T.sentinel)
        _ = UnsafeMutableBufferPointer(rebasing: block[0..<firstCount]).initialize(from: operands[0])
        _ = UnsafeMutableBufferPointer(rebasing: block[firstCount..<firstCount + secondCount]).initialize(from: operands[1])
        let first = UnsafeBufferPointer(rebasing: block[0..<firstCount])
        let second = UnsafeBufferPointer(rebasing: block[firstCount..<firstCount + secondCount])
        let result = UnsafeMutableBufferPointer(rebasing: block[resultOffset..<resultOffset + resultCount])
        do {
            try call.invoke(first: first, second: second, result: result)
            outcome = Array(result)
            resultShapeSeen = resultShape
        } catch {
            outcome = nil
        }
    } else {
        do {
            let tensors = try shapes.indices.map { index in
                // Tensor's initializer checks the count; build an inconsistent
                // tensor through a valid one when chaos asks for it.
                if let tensor = try? Tensor<T>(shape: shapes[index], scalars: operands[index]) { return tensor }
                var tensor = try Tensor<T>(shape: [operands[index].count], scalars: operands[index])
                tensor.shape = shapes[index]
                return tensor
            }
            let tensor = try call.invoke(tensors[0], tensors[1])
            outcome = tensor.scalars
            resultShapeSeen = tensor.shape
        } catch {
            outcome = nil
        }
    }

    guard let outcome else {
        if !call.isChaotic && operandsExact && geometry != nil {
            finding("a well-formed call was refused", call)
        }
        return
    }
    // Accepted: it must have been valid.
    guard let geometry, let resultShape else { finding("accepted a call the reference finds invalid", call) }
    guard operandsExact, resultCountExact else { finding("accepted operands of the wrong size", call) }
    guard !bufferOverlaps else { finding("accepted a result buffer overlapping an operand", call) }
    guard let threads = call.options.threadCount, threads > 0,
        let limit = call.options.memoryLimit, limit >= 0
    else { finding("accepted invalid options", call) }
    guard resultShapeSeen == resultShape else {
        finding("result shape \(resultShapeSeen ?? []) but expected \(resultShape)", call)
    }
    guard outcome.count == elementCount(resultShape) else { finding("result has \(outcome.count) elements", call) }

    compare(outcome, with: geometry, operands: operands, call: call)

    // Bit-identical to one thread on the baseline kernels.
    if threads != 1 || call.options.instructionSet != .baseline {
        var serial = call
        // The Tensor form also budgets the result, which caller-owned
        // buffers don't: give the serial call room for it (the call already
        // ran, so its size is sane).
        serial.options = DepthwiseConvOptions(threadCount: 1, memoryLimit: Int.max, instructionSet: .baseline)
        serial.usesBuffers = false
        guard let again = try? serial.invoke(
            Tensor<T>(shape: shapes[0], scalars: operands[0]), Tensor<T>(shape: shapes[1], scalars: operands[1]))
        else { finding("refused with one thread on the baseline kernels", call) }
        // NaN signs and payloads are compared apart (see canonicalBits).
        guard again.scalars.map(\.canonicalBits) == outcome.map(\.canonicalBits) else {
            let index = again.scalars.indices.first { again.scalars[$0].canonicalBits != outcome[$0].canonicalBits } ?? -1
            finding("not bit-identical to one thread/baseline at element \(index): "
                + "\(index >= 0 ? "\(outcome[index]) vs \(again.scalars[index])" : "")", call)
        }
    }
}

extension FuzzScalar {
    /// The bit pattern, with every NaN mapped to one value unless
    /// `FUZZ_STRICT_NAN_BITS` is set. Which NaN a sum with NaN operands
    /// returns depends on the order of its operands on x86, and the kernel
    /// variants differ there (see README.md, "Findings").
    var canonicalBits: UInt64 { fuzzValue.isNaN && !strictNaNBits ? UInt64.max : bits }
}

/// `FUZZ_PRINT_CALLS=1` prints every decoded call (to reproduce a finding).
let printCalls: Bool = getenv("FUZZ_PRINT_CALLS") != nil

let strictNaNBits: Bool = getenv("FUZZ_STRICT_NAN_BITS") != nil

extension FuzzCall {
    /// The geometry of the shapes and attributes alone (options unchecked):
    /// what the library computes before it looks at the options.
    var attributeGeometry: ReferenceGeometry? {
        ReferenceGeometry(
            inputShape: inputShape, filterShape: filterShape, strides: strides, dilations: dilations,
            padding: padding, dataFormat: dataFormat)
    }

    var referenceGeometry: ReferenceGeometry? {
        guard let threads = options.threadCount, threads > 0 else { return nil }
        guard let limit = options.memoryLimit, limit >= 0 else { return nil }
        guard let geometry = attributeGeometry else { return nil }
        switch operation {
        case .forward:
            // The output's element count must fit in an Int.
            guard let shape = geometry.outputShape, elementCount(shape) != nil else { return nil }
        case .backpropInput, .backpropFilter:
            guard outBackpropShape.count == 4, geometry.outputShape == outBackpropShape else { return nil }
            guard elementCount(outBackpropShape) != nil else { return nil }
        }
        return geometry
    }

    func resultShape(_ geometry: ReferenceGeometry) -> [Int] {
        switch operation {
        case .forward: geometry.outputShape!
        case .backpropInput: inputShape
        case .backpropFilter: filterShape
        }
    }

    func invoke<T: FuzzScalar>(_ first: Tensor<T>, _ second: Tensor<T>) throws -> Tensor<T> {
        switch operation {
        case .forward:
            try depthwiseConv2dNative(
                input: first, filter: second, strides: strides, padding: padding, dataFormat: dataFormat,
                dilations: dilations, options: options)
        case .backpropInput:
            try depthwiseConv2dNativeBackpropInput(
                inputSizes: inputShape, filter: first, outBackprop: second, strides: strides, padding: padding,
                dataFormat: dataFormat, dilations: dilations, options: options)
        case .backpropFilter:
            try depthwiseConv2dNativeBackpropFilter(
                input: first, filterSizes: filterShape, outBackprop: second, strides: strides, padding: padding,
                dataFormat: dataFormat, dilations: dilations, options: options)
        }
    }

    func invoke<T: FuzzScalar>(
        first: UnsafeBufferPointer<T>, second: UnsafeBufferPointer<T>, result: UnsafeMutableBufferPointer<T>
    ) throws {
        switch operation {
        case .forward:
            try depthwiseConv2dNative(
                input: first, inputShape: inputShape, filter: second, filterShape: filterShape, result: result,
                strides: strides, padding: padding, dataFormat: dataFormat, dilations: dilations, options: options)
        case .backpropInput:
            try depthwiseConv2dNativeBackpropInput(
                inputSizes: inputShape, filter: first, filterShape: filterShape, outBackprop: second,
                outBackpropShape: outBackpropShape, result: result, strides: strides, padding: padding,
                dataFormat: dataFormat, dilations: dilations, options: options)
        case .backpropFilter:
            try depthwiseConv2dNativeBackpropFilter(
                input: first, inputShape: inputShape, filterSizes: filterShape, outBackprop: second,
                outBackpropShape: outBackpropShape, result: result, strides: strides, padding: padding,
                dataFormat: dataFormat, dilations: dilations, options: options)
        }
    }
}

// MARK: - Checking values

/// Valid calls beyond this many loop iterations are not run at all.
let callWorkCap: Int128 = 200_000_000

/// Reference loops are skipped (the call still ran) beyond this much work.
let referenceWorkCap: Int128 = 30_000_000

func compare<T: FuzzScalar>(_ actual: [T], with geometry: ReferenceGeometry, operands: [[T]], call: FuzzCall) {
    guard let work = geometry.loopWork, work <= referenceWorkCap else { return }
    let a = operands[0].map(\.fuzzValue), b = operands[1].map(\.fuzzValue)
    var sums = [Double](repeating: 0, count: actual.count)
    var magnitudes = [Double](repeating: 0, count: actual.count)
    var terms = [Int32](repeating: 0, count: actual.count)
    geometry.forEachTerm { x, w, y in
        let product: Double, target: Int
        switch call.operation {
        case .forward: product = a[x] * b[w]; target = y          // (input, filter) -> output
        case .backpropInput: product = a[w] * b[y]; target = x    // (filter, dy) -> dx
        case .backpropFilter: product = a[x] * b[y]; target = w   // (input, dy) -> dw
        }
        sums[target] += product
        magnitudes[target] += abs(product)
        terms[target] += 1
    }
    for index in actual.indices {
        let got = actual[index].fuzzValue, expected = sums[index]
        if expected.isNaN {
            if got.isNaN { continue }
        } else if expected.isInfinite {
            if got == expected { continue }
        } else {
            let tolerance = 2 * Double(terms[index] + 1) * T.accumulationRoundoff * magnitudes[index]
                + 2 * T.storageRoundoff * abs(expected) + T.smallestSubnormal
            if got.isFinite {
                if abs(got - expected) <= tolerance { continue }
            } else if got.isInfinite, (got > 0) == (expected > 0), abs(expected) + tolerance >= T.overflowThreshold {
                continue
            }
        }
        finding("\(T.self) element \(index) of \(actual.count): got \(got), expected \(expected) "
            + "(\(terms[index]) terms, sum of |terms| \(magnitudes[index]))", call)
    }
}

// MARK: - Reference geometry

/// TensorFlow's output size and padding arithmetic, written from its
/// definition in 128-bit integers (nothing overflows), and the term loops of
/// the convolution in the data format's own indexing.
struct ReferenceGeometry {
    struct Dimension { var size: Int128; var padBefore: Int128 }
    var batch: Int128, height: Int128, width: Int128, channels: Int128, multiplier: Int128
    var filterHeight: Int128, filterWidth: Int128
    var strideHeight: Int128, strideWidth: Int128, dilationHeight: Int128, dilationWidth: Int128
    var rows: Dimension, cols: Dimension
    var dataFormat: DataFormat

    var outputChannels: Int128 { channels * multiplier }

    /// `nil` wherever TensorFlow (or this library's stricter checks:
    /// dilations, 64-bit sizes) refuses the attributes or shapes.
    init?(inputShape: [Int], filterShape: [Int], strides: [Int], dilations: [Int], padding: Padding,
          dataFormat: DataFormat)
    {
        guard inputShape.count == 4, filterShape.count == 4, strides.count == 4, dilations.count == 4 else {
            return nil
        }
        let n = 0, c = dataFormat == .nhwc ? 3 : 1, h = dataFormat == .nhwc ? 1 : 2, w = h + 1
        guard strides[n] == 1, strides[c] == 1, dilations[n] == 1, dilations[c] == 1 else { return nil }
        guard strides[h] > 0, strides[w] > 0, dilations[h] > 0, dilations[w] > 0 else { return nil }
        var pads = [Int](repeating: 0, count: 8)
        if case .explicit(let list) = padding {
            guard list.count == 8, list.allSatisfy({ $0 >= 0 }) else { return nil }
            guard list[2 * n] == 0, list[2 * n + 1] == 0, list[2 * c] == 0, list[2 * c + 1] == 0 else { return nil }
            pads = list
        }
        guard inputShape.allSatisfy({ $0 >= 0 }), filterShape.allSatisfy({ $0 >= 0 }) else { return nil }
        guard elementCount(inputShape) != nil, elementCount(filterShape) != nil else { return nil }
        guard inputShape[c] == filterShape[2] else { return nil }
        self.dataFormat = dataFormat
        batch = Int128(inputShape[n]); height = Int128(inputShape[h]); width = Int128(inputShape[w])
        channels = Int128(inputShape[c]); multiplier = Int128(filterShape[3])
        filterHeight = Int128(filterShape[0]); filterWidth = Int128(filterShape[1])
        strideHeight = Int128(strides[h]); strideWidth = Int128(strides[w])
        dilationHeight = Int128(dilations[h]); dilationWidth = Int128(dilations[w])
        guard let r = Self.dimension(height, filterHeight, strideHeight, dilationHeight, padding,
                                     Int128(pads[2 * h]), Int128(pads[2 * h + 1])),
              let s = Self.dimension(width, filterWidth, strideWidth, dilationWidth, padding,
                                     Int128(pads[2 * w]), Int128(pads[2 * w + 1]))
        else { return nil }
        rows = r; cols = s
        guard Int(exactly: outputChannels) != nil else { return nil }
    }

    static func dimension(_ input: Int128, _ filter: Int128, _ stride: Int128, _ dilation: Int128,
                          _ padding: Padding, _ before: Int128, _ after: Int128) -> Dimension?
    {
        let effective = (filter - 1) * dilation + 1
        // Every intermediate of the 64-bit computation must fit in an Int.
        guard Int(exactly: effective) != nil else { return nil }
        let result: Dimension
        switch padding {
        case .same:
            let size = (input + stride - 1) / stride
            let covered = (size - 1) * stride + effective
            guard Int(exactly: covered) != nil else { return nil }
            let needed = max(0, covered - input)
            result = Dimension(size: size, padBefore: needed / 2)
        case .valid, .explicit:
            let padded = input + (padding == .valid ? 0 : before + after)
            guard Int(exactly: padded) != nil, Int(exactly: padded - effective) != nil else { return nil }
            result = Dimension(size: (padded - effective + stride) / stride, padBefore: padding == .valid ? 0 : before)
        }
        guard result.size >= 0, Int(exactly: result.size) != nil else { return nil }
        return result
    }

    var outputShape: [Int]? {
        guard let b = Int(exactly: batch), let r = Int(exactly: rows.size), let s = Int(exactly: cols.size),
            let d = Int(exactly: outputChannels)
        else { return nil }
        return dataFormat == .nhwc ? [b, r, s, d] : [b, d, r, s]
    }

    /// The iterations of the term loops, or `nil` if they are not worth it.
    var loopWork: Int128? {
        let extents = [batch, rows.size, cols.size, filterHeight, filterWidth, channels, multiplier]
        if extents.contains(0) { return 0 }
        let outer = batch * rows.size * cols.size
        guard outer < 1 << 40, filterHeight < 1 << 20, filterWidth < 1 << 20, outputChannels < 1 << 20 else {
            return nil
        }
        return outer * filterHeight + outer * filterHeight * filterWidth * outputChannels
    }

    func index(_ n: Int128, _ h: Int128, _ w: Int128, _ c: Int128, _ H: Int128, _ W: Int128, _ C: Int128) -> Int {
        Int(dataFormat == .nhwc ? ((n * H + h) * W + w) * C + c : ((n * C + c) * H + h) * W + w)
    }

    /// Calls `body(inputIndex, filterIndex, outputIndex)` for every product
    /// term: every tap that lands inside the input (padding contributes nothing).
    func forEachTerm(_ body: (Int, Int, Int) -> Void) {
        let extents = [batch, rows.size, cols.size, filterHeight, filterWidth, channels, multiplier]
        if extents.contains(0) { return }
        for n in 0..<batch {
            for oh in 0..<rows.size {
                for kh in 0..<filterHeight {
                    let ih = oh * strideHeight - rows.padBefore + kh * dilationHeight
                    if ih < 0 || ih >= height { continue }
                    for ow in 0..<cols.size {
                        for kw in 0..<filterWidth {
                            let iw = ow * strideWidth - cols.padBefore + kw * dilationWidth
                            if iw < 0 || iw >= width { continue }
                            for c in 0..<channels {
                                for m in 0..<multiplier {
                                    let x = index(n, ih, iw, c, height, width, channels)
                                    let w = Int(((kh * filterWidth + kw) * channels + c) * multiplier + m)
                                    let y = index(n, oh, ow, c * multiplier + m, rows.size, cols.size, outputChannels)
                                    body(x, w, y)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Padding {
    static func == (lhs: Padding, rhs: Padding) -> Bool {
        switch (lhs, rhs) {
        case (.same, .same), (.valid, .valid): true
        case (.explicit(let a), .explicit(let b)): a == b
        default: false
        }
    }
}

/// Writes a line to standard error, unbuffered (the process may trap next).
func report(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    bytes.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
}
