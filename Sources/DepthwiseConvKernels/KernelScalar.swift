/// A floating-point type the compute kernels run in: `Float` or `Double`.
///
/// The 16-bit storage types are widened to `Float` before a kernel runs and
/// rounded once afterwards, so kernels only ever see these two types.
public protocol KernelScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {}

extension Float: KernelScalar {}
extension Double: KernelScalar {}
