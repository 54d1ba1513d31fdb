// Bit-level IEEE 754 binary16 ("half") <-> binary32 conversion.
//
// Swift's `Float16` is unavailable on macOS x86_64, so the library converts
// half-precision values with these portable routines on every platform.

/// Converts IEEE 754 half-precision bits to the `Float` with the same value.
///
/// The conversion is exact: every half value (normal, subnormal, signed zero,
/// infinity) is representable as a `Float`. NaNs stay NaNs with the same sign,
/// and their 10-bit payload becomes the top 10 bits of the `Float` payload,
/// so `floatToHalfBits(halfBitsToFloat(bits)) == bits` for all 65536 inputs.
///
/// - Parameter bits: The raw binary16 bit pattern.
/// - Returns: The value as a `Float`.
public func halfBitsToFloat(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32((bits >> 10) & 0x1F)
    let mantissa = UInt32(bits & 0x03FF)

    if exponent == 0x1F {
        // Infinity (mantissa 0) or NaN (payload kept in the top mantissa bits).
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 {
        // Zero or subnormal: the value is mantissa * 2^-24, exact in a Float.
        let magnitude = Float(mantissa) * 0x1p-24
        return Float(bitPattern: sign | magnitude.bitPattern)
    }
    // Normal: rebias the exponent from 15 to 127 and widen the mantissa.
    return Float(bitPattern: sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13))
}

/// Converts a `Float` to IEEE 754 half-precision bits, rounding to nearest,
/// ties to even.
///
/// Values too large for a half (at least 65520 in magnitude) become infinity,
/// values too small become (signed) zero, and values in the subnormal range
/// are rounded correctly. NaNs stay NaNs with the same sign and keep the top
/// 10 bits of their payload (a payload that would vanish becomes a quiet NaN).
///
/// - Parameter value: The value to convert.
/// - Returns: The raw binary16 bit pattern.
public func floatToHalfBits(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
    let exponent = Int((bits >> 23) & 0xFF)
    let mantissa = bits & 0x007F_FFFF

    if exponent == 0xFF {
        if mantissa == 0 {
            return sign | 0x7C00  // infinity
        }
        let payload = UInt16(truncatingIfNeeded: mantissa >> 13)
        return sign | 0x7C00 | (payload == 0 ? 0x0200 : payload)
    }

    // Exponent rebiased for binary16 (bias 15 instead of 127).
    let halfExponent = exponent - 127 + 15
    if halfExponent >= 0x1F {
        return sign | 0x7C00  // overflow
    }
    if halfExponent <= 0 {
        // Result is subnormal or zero. Values below 2^-25 always round to zero;
        // 2^-25 itself is a tie and rounds to the even value zero.
        if halfExponent < -10 {
            return sign
        }
        // Full 24-bit significand (implicit bit made explicit; a Float
        // subnormal never reaches here because its halfExponent is -112).
        let significand = mantissa | 0x0080_0000
        // value / 2^-24 == significand * 2^(halfExponent - 14)
        let shift = UInt32(14 - halfExponent)  // 14...24
        let truncated = significand >> shift
        let remainder = significand & ((1 << shift) - 1)
        let halfway: UInt32 = 1 << (shift - 1)
        var result = truncated
        if remainder > halfway || (remainder == halfway && (truncated & 1) == 1) {
            result += 1  // may carry into the smallest normal, which is correct
        }
        return sign | UInt16(truncatingIfNeeded: result)
    }

    // Normal result: keep the top 10 mantissa bits and round on the other 13.
    var result = (UInt32(halfExponent) << 10) | (mantissa >> 13)
    let remainder = mantissa & 0x1FFF
    if remainder > 0x1000 || (remainder == 0x1000 && (result & 1) == 1) {
        result += 1  // a carry into the exponent is correct, up to infinity
    }
    return sign | UInt16(truncatingIfNeeded: result)
}
