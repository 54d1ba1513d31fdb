// libFuzzer target: arbitrary bytes -> `NPYArray(parsing:)`.
//
// Findings (each traps, so libFuzzer saves the input):
// - the parser crashes, overflows or reads out of bounds (AddressSanitizer);
// - an accepted file does not survive `serialized()` and a second parse
//   unchanged, or serializing is not a fixed point, or the header is not
//   padded to NumPy's 64-byte alignment;
// - the typed accessors disagree with the raw bytes.

import NPY

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : [UInt8](UnsafeBufferPointer(start: data, count: size))
    guard let array = try? NPYArray(parsing: bytes) else { return 0 }
    check(array)
    return 0
}

private func check(_ array: NPYArray) {
    let count = array.count
    guard array.rawData.count == count * array.dtype.byteWidth else {
        fatalError("parsed \(array.shape) \(array.dtype): \(array.rawData.count) data bytes for \(count) elements")
    }
    let serialized = array.serialized()
    let headerSize = serialized.count - array.rawData.count
    guard headerSize > 0, headerSize % 64 == 0 else {
        fatalError("serialized header of \(array.shape) is \(headerSize) bytes, not a multiple of 64")
    }
    let reparsed: NPYArray
    do {
        reparsed = try NPYArray(parsing: serialized)
    } catch {
        fatalError("serialized \(array.shape) \(array.dtype) does not parse again: \(error)")
    }
    guard reparsed == array else {
        fatalError("round trip changed \(array.shape) \(array.dtype) into \(reparsed.shape) \(reparsed.dtype)")
    }
    guard reparsed.serialized() == serialized else {
        fatalError("serializing \(array.shape) \(array.dtype) is not a fixed point")
    }

    // Typed accessors: element counts and exact bit round trips.
    guard array.floatValues().count == count, array.doubleValues().count == count else {
        fatalError("typed accessors of \(array.shape) return the wrong count")
    }
    switch array.dtype {
    case .float16:
        guard let bits = array.float16Bits(), bits.count == count,
            let rebuilt = try? NPYArray(shape: array.shape, float16Bits: bits), rebuilt == array
        else { fatalError("float16 bits of \(array.shape) do not round-trip") }
    case .float32:
        guard array.float16Bits() == nil else { fatalError("float16Bits of a float32 array") }
        // Compare bit patterns: Float(bitPattern:) must keep NaN payloads.
        let values = array.floatValues()
        guard let rebuilt = try? NPYArray(shape: array.shape, float32: values), rebuilt == array else {
            fatalError("float32 values of \(array.shape) do not round-trip")
        }
    case .float64:
        guard array.float16Bits() == nil else { fatalError("float16Bits of a float64 array") }
        let values = array.doubleValues()
        guard let rebuilt = try? NPYArray(shape: array.shape, float64: values), rebuilt == array else {
            fatalError("float64 values of \(array.shape) do not round-trip")
        }
    }
}
