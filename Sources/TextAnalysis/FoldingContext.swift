import CICUShim

/// Owns one ICU analysis context (break iterator, normalizer, buffers) for reuse across texts.
///
/// Not `Sendable`: the context holds mutable buffers. Use one per thread.
/// The corresponding C functions are `talent_analyzer_open` and `talent_analyzer_close`.
final class FoldingContext {
    private let handle: OpaquePointer

    init() throws(ICUError) {
        var status: Int32 = 0
        guard let handle = talent_analyzer_open(&status) else { throw ICUError(code: max(status, 1)) }
        self.handle = handle
    }

    deinit { talent_analyzer_close(handle) }

    /// The result of one run; pointers stay valid until the next run on the same context.
    struct Run {
        var folded: UnsafeBufferPointer<UInt16>
        var sourceStarts: UnsafePointer<Int32>
        var sourceEnds: UnsafePointer<Int32>
        /// Three `Int32` per segment: start, end (folded units), ICU rule status.
        var segments: UnsafePointer<Int32>?
        var segmentCount: Int
    }

    /// Folds UTF-8 bytes and, unless `segmentation` is nil, segments them.
    func run(_ utf8: UnsafeBufferPointer<UInt8>, segmentation: Segmentation?) throws(ICUError) -> Run {
        guard utf8.count < Int(Int32.max) / 4 else { throw ICUError(code: 1 /* U_ILLEGAL_ARGUMENT_ERROR */) }
        var status: Int32 = 0
        let base = utf8.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let count = talent_analyzer_run(handle, base, Int32(utf8.count), mode(segmentation), &status)
        if count < 0 || status > 0 { throw ICUError(code: max(status, 1)) }
        var length: Int32 = 0
        let folded = talent_analyzer_folded(handle, &length)
        return Run(
            folded: UnsafeBufferPointer(start: folded, count: Int(length)),
            sourceStarts: talent_analyzer_source_starts(handle),
            sourceEnds: talent_analyzer_source_ends(handle),
            segments: talent_analyzer_segments(handle),
            segmentCount: Int(count))
    }

    private func mode(_ segmentation: Segmentation?) -> Int32 {
        switch segmentation {
        case nil: 0
        case .hanRunsByDictionary: 1
        case .wholeText: 2
        }
    }

    /// Folds a string without segmenting it: NFKC case fold, then Traditional → Simplified.
    /// The reference the analyzer's folding must equal (tests): the whole text through ICU's normalizer in
    /// one call, then Traditional → Simplified per unit.
    static func referenceFold(_ text: String) throws(ICUError) -> [UInt16] {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(ICUError) -> [UInt16] in
                // NFKC case folding grows a character to at most 18 units (U+FDFA).
                let capacity = 18 * bytes.count + 16
                var out = [UInt16](repeating: 0, count: capacity)
                var status: Int32 = 0
                let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
                let n = out.withUnsafeMutableBufferPointer {
                    talent_fold_reference(base, Int32(bytes.count), $0.baseAddress!, Int32(capacity), &status)
                }
                if n < 0 || status > 0 { throw ICUError(code: max(status, 1)) }
                return Array(out[..<Int(n)])
            }
        }
        return try result.get()
    }

    func fold(_ text: String) throws(ICUError) -> [UInt16] {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(ICUError) in Array(try run(bytes, segmentation: nil).folded) }
        }
        return try result.get()
    }
}
