import DepthwiseConvKernels

/// Checks, before anything is allocated, that a call's result and scratch fit
/// in the memory limit.
///
/// - Parameters:
///   - resultCount: elements of the result, in the caller's type.
///   - scratchCount: elements of scratch, in the kernel's type.
///   - tableBytes: bytes of the kernels' per-call tables.
func checkMemoryBudget(
    resultCount: Int, resultWidth: Int, scratchCount: Int, scratchWidth: Int, tableBytes: Int, limit: Int
) throws {
    let resultBytes = try checkedProduct(resultCount, resultWidth, "The result's size in bytes")
    let scratchBytes = try checkedSum(
        try checkedProduct(scratchCount, scratchWidth, "The scratch size in bytes"), tableBytes,
        "The scratch size in bytes")
    let total = try checkedSum(resultBytes, scratchBytes, "The memory needed")
    guard total <= limit else {
        throw DepthwiseConvError.invalidArgument(
            "The call needs \(total) bytes (result \(resultBytes), scratch \(scratchBytes)), "
                + "more than the memory limit of \(limit) bytes")
    }
}
