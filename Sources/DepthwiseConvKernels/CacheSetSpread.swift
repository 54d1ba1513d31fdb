/// Elements from one staged pixel to the next for pixels of `elements`
/// elements (a whole number of 64-byte lines): `elements`, plus one line
/// when the pixels would be a multiple of `period` bytes apart.
///
/// A kernel's block reads the same lanes of many pixels, and again a row
/// later. The L1 cache has 64 sets of 64-byte lines (4 KiB per way): pixels
/// 4 KiB apart put all those lines in one set, 2 KiB apart in two, where
/// they evict each other before their reuse. One more line per pixel
/// spreads them over every set. Which period hurts depends on how many
/// lines a kernel keeps live (see ``filterGradientCrowdingPeriod`` and
/// ``paddedRowsCrowdingPeriod``).
@inlinable
func setSpreadingPixelStride<S: KernelScalar>(_: S.Type, elements: Int, period: Int) -> Int {
    let line = 64 / MemoryLayout<S>.stride
    guard pixelsCrowdSets(S.self, elements: elements, period: period), elements <= Int.max - line
    else { return elements }
    return elements + line
}

/// Whether pixels of `elements` elements, packed (a whole number of 64-byte
/// lines each), are a multiple of `period` bytes apart.
@inlinable
func pixelsCrowdSets<S: KernelScalar>(_: S.Type, elements: Int, period: Int) -> Bool {
    let (bytes, overflow) = elements.multipliedReportingOverflow(by: MemoryLayout<S>.stride)
    return !overflow && bytes > 0 && bytes % 64 == 0 && bytes % period == 0
}

/// Bytes of one way of the L1 cache (64 sets of 64-byte lines): lines a
/// multiple of this apart all fall in one set.
@inlinable
var l1WayBytes: Int { 4096 }

/// Pixel spacing, as a multiple of which the filter gradient's staged
/// pixels get one more line: 2 KiB (C = 512 or 1024 in Float). Measured,
/// one thread: 1x14x14x1024 0.150 -> 0.083 ms, 16x7x7x1024 0.59 -> 0.46; at
/// 1 KiB (C = 256) staging cost as much as it saved.
@inlinable
var filterGradientCrowdingPeriod: Int { 2048 }

/// Pixel spacing, as a multiple of which the forward and input-gradient
/// kernels' ``PaddedRows`` get one more line per pixel: 4 KiB (C = 1024 in
/// Float, 512 in Double). Measured, one thread, 48 bytes off a line:
/// forward 16x7x7x1024 0.314 -> 0.270 ms, 1x14x14x1024 0.086 -> 0.060; at
/// 2 KiB (C = 512), 16x14x14x512 ran 8 % slower, 1 KiB changed nothing.
@inlinable
var paddedRowsCrowdingPeriod: Int { l1WayBytes }
