import DepthwiseConv
import NPY

/// An operand file named on the command line, e.g. `--filter w.npy`.
struct OperandFile {
    /// The option that named it, for messages.
    let option: String
    /// The path as given.
    let path: String

    /// `--option 'path'`, for messages.
    var label: String { "\(option) '\(path)'" }
}

/// The two tensor operands of an operation, read from their `.npy` files and
/// checked to have the same dtype, in the order the operation takes them.
struct OperandPair {
    let first: NPYArray
    let second: NPYArray
    /// The dtype both files have.
    let dtype: NPYDType

    /// Reads both files.
    ///
    /// - Throws: ``NPYError`` if a file cannot be read or is not a supported
    ///   `.npy` file, or ``CommandLineError`` if their dtypes differ.
    init(reading firstFile: OperandFile, _ secondFile: OperandFile) throws {
        first = try NPYArray(contentsOfFile: firstFile.path)
        second = try NPYArray(contentsOfFile: secondFile.path)
        guard first.dtype == second.dtype else {
            throw CommandLineError(
                "the operands have different dtypes: \(firstFile.label) is \(first.dtype.label) "
                    + "but \(secondFile.label) is \(second.dtype.label); both must have the same dtype")
        }
        dtype = first.dtype
    }

    /// The scalar type to compute in: the files' dtype, or bfloat16 if
    /// `bfloat16` is set (which requires float32 files).
    ///
    /// - Throws: ``CommandLineError`` if `bfloat16` is set and the files are
    ///   not float32.
    func scalarKind(bfloat16: Bool) throws -> DepthwiseScalarKind {
        if bfloat16 {
            guard dtype == .float32 else {
                throw CommandLineError(
                    "--bfloat16 needs float32 ('<f4') operands, but the operands are \(dtype.label)")
            }
            return .bfloat16
        }
        switch dtype {
        case .float16: return .float16
        case .float32: return .float32
        case .float64: return .float64
        }
    }

    /// Runs `operation` with `settings` on the operands in the scalar type
    /// `kind` and returns the result as an array of that type's file dtype,
    /// and, if `verify` is set, its comparison with a float64 reference (see
    /// ``VerifyReference``).
    ///
    /// This is the one place that turns a run-time scalar kind into a static
    /// type; everything after it is generic.
    func compute(
        in kind: DepthwiseScalarKind, _ operation: some DepthwiseComputation, _ settings: OperationSettings,
        verify: Bool = false
    ) throws -> ComputedResult {
        switch kind {
        case .float32:
            return try compute(Float.self, operation, settings, verify: verify)
        case .float64:
            return try compute(Double.self, operation, settings, verify: verify)
        case .bfloat16:
            return try compute(BFloat16.self, operation, settings, verify: verify)
        case .float16:
            #if !(os(macOS) && arch(x86_64))
            if #available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *) {
                return try compute(Float16.self, operation, settings, verify: verify)
            }
            #endif
            throw CommandLineError("float16 ('<f2') operands are not supported on this platform")
        }
    }

    private func compute<T: NPYScalar>(
        _: T.Type, _ operation: some DepthwiseComputation, _ settings: OperationSettings, verify: Bool
    ) throws -> ComputedResult {
        let a = try tensor(first, T.self)
        let b = try tensor(second, T.self)
        let result = try operation.compute(a, b, settings)
        var verification: VerificationSummary?
        if verify {
            // The reference sees the values the operation computed with.
            let reference = VerifyReference(operation: operation.referenceOperation, attributes: settings.attributes)
            verification = reference.compare(
                first: ReferenceTensor(shape: a.shape, values: a.scalars.map(\.doubleValue)),
                second: ReferenceTensor(shape: b.shape, values: b.scalars.map(\.doubleValue)),
                result: ReferenceTensor(shape: result.shape, values: result.scalars.map(\.doubleValue)))
        }
        return ComputedResult(
            array: try T.array(shape: result.shape, scalars: result.scalars), verification: verification)
    }

    private func tensor<T: NPYScalar>(_ array: NPYArray, _: T.Type) throws -> Tensor<T> {
        try Tensor(shape: array.shape, scalars: T.scalars(of: array))
    }
}

/// An operation's result as an array to write, and the outcome of
/// `--verify` if it was requested.
struct ComputedResult {
    let array: NPYArray
    let verification: VerificationSummary?
}

/// A depthwise operation on two tensor operands, generic over the scalar type.
protocol DepthwiseComputation {
    /// Which operation ``compute(_:_:_:)`` runs, for `--verify`.
    var referenceOperation: ReferenceOperation { get }

    /// Computes the operation's result from its two operands, in the order
    /// ``OperandPair`` holds them.
    func compute<T: NPYScalar>(
        _ first: Tensor<T>, _ second: Tensor<T>, _ settings: OperationSettings
    ) throws -> Tensor<T>
}

extension NPYDType {
    /// `'<f4' (float32)`, for messages.
    var label: String {
        switch self {
        case .float16: "'<f2' (float16)"
        case .float32: "'<f4' (float32)"
        case .float64: "'<f8' (float64)"
        }
    }
}
