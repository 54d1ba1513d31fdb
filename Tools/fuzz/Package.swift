// swift-tools-version: 6.2
// libFuzzer targets for the DepthwiseConv package (see README.md here).
//
// Build with the fuzzer and AddressSanitizer on every Swift target, the
// library's included, and without a Swift `main` (libFuzzer supplies it):
//
//     swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//
// `../fuzz.sh` does this and runs a target.

import PackageDescription

let package = Package(
    name: "DepthwiseConvFuzz",
    dependencies: [
        .package(name: "DepthwiseConv", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "FuzzNPY",
            dependencies: [.product(name: "NPY", package: "DepthwiseConv")]
        ),
        .executableTarget(
            name: "FuzzOps",
            dependencies: [.product(name: "DepthwiseConv", package: "DepthwiseConv")]
        ),
    ]
)
