import Testing
import NPY

@Suite("Half-precision conversion")
struct HalfConversionTests {
    @Test("Every half bit pattern survives half -> Float -> half unchanged")
    func exhaustiveRoundTrip() {
        var failures = 0
        for bits in UInt16.min...UInt16.max {
            let value = halfBitsToFloat(bits)
            let back = floatToHalfBits(value)
            let isHalfNaN = (bits & 0x7C00) == 0x7C00 && (bits & 0x03FF) != 0
            if back != bits || value.isNaN != isHalfNaN {
                failures += 1
            }
        }
        #expect(failures == 0)
    }

    @Test("Known half values widen exactly")
    func knownValues() {
        #expect(halfBitsToFloat(0x0000) == 0 && halfBitsToFloat(0x0000).sign == .plus)
        #expect(halfBitsToFloat(0x8000) == 0 && halfBitsToFloat(0x8000).sign == .minus)
        #expect(halfBitsToFloat(0x3C00) == 1)
        #expect(halfBitsToFloat(0xC000) == -2)
        #expect(halfBitsToFloat(0x3555) == 0x1.554p-2)
        #expect(halfBitsToFloat(0x0001) == 0x1p-24)
        #expect(halfBitsToFloat(0x03FF) == 1023 * 0x1p-24)
        #expect(halfBitsToFloat(0x0400) == 0x1p-14)
        #expect(halfBitsToFloat(0x7BFF) == 65504)
        #expect(halfBitsToFloat(0x7C00) == .infinity)
        #expect(halfBitsToFloat(0xFC00) == -.infinity)
        #expect(halfBitsToFloat(0x7E00).isNaN)
        #expect(halfBitsToFloat(0x7C01).isNaN)
        #expect(halfBitsToFloat(0xFE00).isNaN && halfBitsToFloat(0xFE00).sign == .minus)
    }

    @Test("Positive finite halves widen to strictly increasing floats")
    func monotonic() {
        var previous = halfBitsToFloat(0)
        for bits in UInt16(1)...0x7BFF {
            let value = halfBitsToFloat(bits)
            #expect(value > previous, "bits \(bits)")
            previous = value
        }
    }

    @Test("Float -> half rounds to nearest, ties to even, on explicit cases")
    func explicitRounding() {
        let cases: [(Float, UInt16)] = [
            (1, 0x3C00),
            (1 + 0x1p-11, 0x3C00),               // tie, 1.0 is even
            (1 + 3 * 0x1p-11, 0x3C02),           // tie, rounds up to even
            (Float(1 + 0x1p-11).nextUp, 0x3C01),      // just above the tie
            (Float(1 + 0x1p-11).nextDown, 0x3C00),
            (65504, 0x7BFF),
            (65519.996, 0x7BFF),
            (65520, 0x7C00),                      // tie with max half: rounds to "even" infinity
            (1e10, 0x7C00),
            (-1e10, 0xFC00),
            (.infinity, 0x7C00),
            (-.infinity, 0xFC00),
            (0x1p-24, 0x0001),                    // smallest subnormal
            (0x1p-25, 0x0000),                    // tie with zero: rounds to even zero
            (Float(0x1p-25).nextUp, 0x0001),
            (-0x1p-25, 0x8000),
            (0x1.8p-25, 0x0001),                  // 0.75 ulp
            (0x1.8p-24, 0x0002),                  // 1.5 ulp: tie, rounds to even 2
            (0x1.4p-23, 0x0002),                  // 2.5 ulp: tie, rounds to even 2
            (0x1.Cp-23, 0x0004),                  // 3.5 ulp: tie, rounds to even 4
            (1023.5 * 0x1p-24, 0x0400),           // largest subnormal tie carries to min normal
            (0x1p-14, 0x0400),
            (0x1p-26, 0x0000),
            (.leastNonzeroMagnitude, 0x0000),
            (-.leastNonzeroMagnitude, 0x8000),
            (0, 0x0000),
            (-0.0, 0x8000),
            (0.1, 0x2E66),
            (-2.5, 0xC100),
        ]
        for (value, expected) in cases {
            #expect(floatToHalfBits(value) == expected, "\(value)")
        }
    }

    @Test("NaNs stay NaNs with sign and top payload bits")
    func nanConversion() {
        #expect(floatToHalfBits(.nan) & 0x7C00 == 0x7C00)
        #expect(floatToHalfBits(.nan) & 0x03FF != 0)
        #expect(floatToHalfBits(-Float.nan) & 0x8000 == 0x8000)
        // A payload only in the low 13 bits must not turn into infinity.
        let lowPayload = Float(bitPattern: 0x7F80_0001)
        #expect(lowPayload.isNaN)
        #expect(halfBitsToFloat(floatToHalfBits(lowPayload)).isNaN)
        #expect(floatToHalfBits(Float(bitPattern: 0x7FC0_2000)) == 0x7E01)
    }

    @Test("Every tie between adjacent halves rounds to the even one")
    func allTies() {
        var failures = 0
        for low in UInt16(0)..<0x7BFF {
            let high = low + 1
            let midpoint = (halfBitsToFloat(low) + halfBitsToFloat(high)) / 2
            let even = low & 1 == 0 ? low : high
            for sign in [UInt16(0), 0x8000] {
                let signed: (Float) -> Float = { sign == 0 ? $0 : -$0 }
                if floatToHalfBits(signed(midpoint)) != even | sign { failures += 1 }
                if floatToHalfBits(signed(midpoint.nextDown)) != low | sign { failures += 1 }
                if floatToHalfBits(signed(midpoint.nextUp)) != high | sign { failures += 1 }
            }
        }
        #expect(failures == 0)
    }

    #if !(os(macOS) && arch(x86_64))
    @Test("Float -> half agrees with the standard library's Float16 on a wide sweep")
    @available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *)
    func agreesWithFloat16() {
        var failures = 0
        var pattern: UInt32 = 0
        while true {
            let value = Float(bitPattern: pattern)
            let expected = Float16(value)
            let actual = floatToHalfBits(value)
            if value.isNaN {
                if !halfBitsToFloat(actual).isNaN { failures += 1 }
            } else if actual != expected.bitPattern {
                failures += 1
            }
            let (next, overflow) = pattern.addingReportingOverflow(4099)
            if overflow { break }
            pattern = next
        }
        for bits in UInt16.min...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = halfBitsToFloat(bits)
            if actual.bitPattern != expected.bitPattern && !(actual.isNaN && expected.isNaN) {
                failures += 1
            }
        }
        #expect(failures == 0)
    }
    #endif
}
