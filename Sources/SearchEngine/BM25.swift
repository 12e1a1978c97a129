/// Okapi BM25 as Lucene computes it (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and
/// Beyond", 2009; Lucene's `BM25Similarity`): `k1 = 1.2`, `b = 0.75` are the defaults both use.
public struct BM25: Sendable, Equatable {
    public var k1: Double = 1.2
    public var b: Double = 0.75

    public init(k1: Double = 1.2, b: Double = 0.75) {
        self.k1 = k1
        self.b = b
    }

    /// Inverse document frequency: `ln(1 + (N - df + 0.5) / (df + 0.5))`, never negative.
    @inline(__always)
    public func idf(docFreq: Int, docCount: Int) -> Double {
        let n = Double(max(docCount, docFreq)), df = Double(docFreq)
        return log(1 + (n - df + 0.5) / (df + 0.5))
    }

    /// The term-frequency part: `f (k1 + 1) / (f + k1 (1 - b + b dl / avgdl))`. Grows with `f`, shrinks with
    /// `dl`, and stays below `k1 + 1`.
    @inline(__always)
    public func tf(_ freq: Double, length: Double, averageLength: Double) -> Double {
        tf(freq, lengthPart: lengthPart(length: length, averageLength: averageLength))
    }

    /// The length part of ``tf(_:length:averageLength:)``'s denominator, `k1 (1 - b + b dl / avgdl)`: one
    /// value per field length, which searches keep in a table (the same operations, so the same bits).
    @inline(__always)
    public func lengthPart(length: Double, averageLength: Double) -> Double {
        k1 * (1 - b + b * length / max(averageLength, 1))
    }

    /// ``tf(_:length:averageLength:)`` from its length part.
    @inline(__always)
    public func tf(_ freq: Double, lengthPart: Double) -> Double {
        freq * (k1 + 1) / (freq + lengthPart)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
