// swift-tools-version: 6.2
// Tools version 6.2 is the first that lets a versioned dependency carry the
// per-ISA `-target-cpu` flags below (earlier versions refuse `unsafeFlags`).

import PackageDescription

/// Targets that hold one instruction-set variant of the kernels. They are
/// compiled with a newer `-target-cpu` and only ever called after a run-time
/// check of the CPU's features, so the rest of the library stays at the
/// architecture's baseline and runs on every machine.
var isaTargets: [Target] = []
var isaDependencies: [Target.Dependency] = []
#if arch(x86_64)
isaTargets = [
    .target(
        name: "DepthwiseConvAVX2",
        dependencies: ["DepthwiseConvKernels"],
        swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"])]
    ),
    .target(
        name: "DepthwiseConvAVX512",
        dependencies: ["DepthwiseConvKernels"],
        swiftSettings: [.unsafeFlags(["-target-cpu", "skylake-avx512"])]
    ),
]
isaDependencies = ["DepthwiseConvAVX2", "DepthwiseConvAVX512"]
#endif

let package = Package(
    name: "DepthwiseConv",
    products: [
        .library(name: "DepthwiseConv", targets: ["DepthwiseConv"]),
        .library(name: "DepthwiseConvAutodiff", targets: ["DepthwiseConvAutodiff"]),
        .library(name: "NPY", targets: ["NPY"]),
        .executable(name: "dwconv", targets: ["dwconv"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: isaTargets + [
        // Generic, `@inlinable` compute kernels over raw pointers. No flags:
        // this is the baseline every CPU of the architecture can run.
        .target(name: "DepthwiseConvKernels"),
        // Public API: tensors, validation, geometry, dispatch.
        .target(
            name: "DepthwiseConv",
            dependencies: ["DepthwiseConvKernels"] + isaDependencies
        ),
        // Swift automatic differentiation for the operations. Compiles to an
        // empty module where the toolchain has no `_Differentiation`.
        .target(name: "DepthwiseConvAutodiff", dependencies: ["DepthwiseConv"]),
        // NumPy `.npy` reading and writing for the command-line tool.
        .target(name: "NPY"),
        .executableTarget(
            name: "dwconv",
            dependencies: [
                "DepthwiseConv",
                "NPY",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "DepthwiseConvTests",
            dependencies: ["DepthwiseConv", "DepthwiseConvKernels", "NPY"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "DepthwiseConvAutodiffTests", dependencies: ["DepthwiseConvAutodiff"]),
        .testTarget(name: "NPYTests", dependencies: ["NPY"]),
        .testTarget(name: "DWConvCLITests", dependencies: ["dwconv", "NPY"]),
    ]
)
