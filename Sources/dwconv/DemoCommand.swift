import ArgumentParser
import DepthwiseConv
import Foundation

/// `dwconv demo`: runs, times and checks a MobileNet-sized backprop-input on
/// a built-in example (see ``DemoExample``), and prints a short report.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run, time and check a MobileNet-sized backprop-input on a built-in example.",
        discussion: """
            Computes DepthwiseConv2dNativeBackpropInput in Float for a 3x3, stride-1, SAME layer \
            with 56x56x144 activations (NHWC) on deterministic data, and reports the shapes, the \
            median time of \(DemoCommand.timedRuns) runs, the largest relative error at \
            \(DemoCommand.sampleCount) sampled positions against a straightforward Double \
            computation, the adjoint identity <forward(x, w), dy> = <x, backprop_input(dy, w)> \
            (forward in Double) and a checksum (the sum of the result). Exits 1 if a check fails.

            Example:
              dwconv demo --threads 1
            """
    )

    /// Runs timed; the median is reported.
    static let timedRuns = 5
    /// Positions compared with the Double reference.
    static let sampleCount = 400
    /// The largest acceptable error, relative to the magnitude of the terms
    /// summed (Float rounding gives about 1e-7).
    static let tolerance = 1e-5

    @OptionGroup
    var execution: ThreadOptions

    func run() throws {
        let example = DemoExample()
        let options = execution.libraryOptions
        let filter = try Tensor(shape: example.filterShape, scalars: example.filter)
        let outBackprop = try Tensor(shape: example.outBackpropShape, scalars: example.outBackprop)

        var result: Tensor<Float>?
        var times: [Duration] = []
        let clock = ContinuousClock()
        for _ in 0..<Self.timedRuns {
            var runResult: Tensor<Float>?
            let time = try clock.measure {
                runResult = try depthwiseConv2dNativeBackpropInput(
                    inputSizes: example.inputSizes, filter: filter, outBackprop: outBackprop,
                    strides: example.strides, padding: example.padding, dilations: example.dilations,
                    options: options)
            }
            times.append(time)
            result = runResult
        }
        guard let result else { throw CommandLineError("demo: the operation returned no result") }
        let medianTime = times.sorted()[times.count / 2]

        let reference = DemoReference(example: example)
        let sampleError = reference.maxRelativeError(of: result.scalars, sampleCount: Self.sampleCount)
        let forwardOutput = try depthwiseConv2dNative(
            input: Tensor(shape: example.inputSizes, scalars: example.input.map(Double.init)),
            filter: Tensor(shape: example.filterShape, scalars: example.filter.map(Double.init)),
            strides: example.strides, padding: example.padding, dilations: example.dilations,
            options: options)
        let adjointError = reference.adjointDifference(
            forwardOutput: forwardOutput.scalars, inputGradient: result.scalars)
        let checksum = result.scalars.reduce(0.0) { $0 + Double($1) }

        let samplesPass = sampleError <= Self.tolerance
        let adjointPass = adjointError <= Self.tolerance
        let threads = execution.threads.map(String.init) ?? "all \(ProcessInfo.processInfo.activeProcessorCount)"
        print("""
            DepthwiseConv2dNativeBackpropInput, Float, NHWC, 3x3, stride 1, SAME (MobileNetV2 layer)
              input_sizes:   \(example.inputSizes)
              filter:        \(filter.shape)
              out_backprop:  \(outBackprop.shape)
              result:        \(result.shape)
              time:          \(Self.milliseconds(medianTime)) ms (median of \(Self.timedRuns) runs, threads: \(threads))
              check:         max relative error \(Self.scientific(sampleError)) at \(Self.sampleCount) \
            sampled positions vs. Double reference (tolerance \(Self.scientific(Self.tolerance))): \
            \(samplesPass ? "PASS" : "FAIL")
              adjoint:       <forward(x, w), dy> vs <x, backprop_input(dy, w)>: relative difference \
            \(Self.scientific(adjointError)) (tolerance \(Self.scientific(Self.tolerance))): \
            \(adjointPass ? "PASS" : "FAIL")
              checksum:      \(checksum)
            \(samplesPass && adjointPass ? "PASS" : "FAIL")
            """)
        guard samplesPass, adjointPass else {
            throw CommandLineError(
                "demo check failed: max relative error \(Self.scientific(sampleError)), adjoint difference "
                    + "\(Self.scientific(adjointError)), tolerance \(Self.scientific(Self.tolerance))")
        }
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.3f", Double(seconds) * 1e3 + Double(attoseconds) * 1e-15)
    }

    private static func scientific(_ value: Double) -> String {
        String(format: "%.2e", value)
    }
}
