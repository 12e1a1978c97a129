import ArgumentParser
import Foundation
import IndexStore
import TalentDirectory

extension Talent {
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the size and contents of the index.")

        @OptionGroup var options: IndexOptions

        @Flag(name: .long, help: "Print JSON: documents, deleted, segments, terms, bytes (per file kind and total), …")
        var json = false

        func run() throws {
            let snapshot = try IndexSnapshot(directory: options.index)
            let manifest = snapshot.manifest
            var bytes: [String: Int] = [:]
            for s in manifest.segments { for (k, v) in s.bytes { bytes[k, default: 0] += v } }
            let total = bytes.values.reduce(0, +)
            var terms = 0
            for r in snapshot.segments { for f in manifest.schema.textFields.indices { terms += r.termCount(field: f) } }
            let deleted = manifest.segments.reduce(0) { $0 + $1.deletedCount }
            if json {
                var object: [String: Any] = [
                    "documents": manifest.liveDocuments, "deleted": deleted, "segments": manifest.segments.count,
                    "terms": terms, "bytes": bytes.merging(["total": total]) { a, _ in a },
                    "sources": manifest.sources.count, "generation": manifest.generation,
                    "committed_at": manifest.committedAt,
                ]
                object["fields"] = Dictionary(uniqueKeysWithValues: zip(manifest.schema.textFields, snapshot.fieldStats.map {
                    ["documents": $0.docCount, "tokens": $0.sumLength]
                }))
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            func mb(_ n: Int) -> String { String(format: "%.2f MB", Double(n) / 1_000_000) }
            print("index       \(options.index) (generation \(manifest.generation), committed \(manifest.committedAt))")
            print("documents   \(manifest.liveDocuments) live, \(deleted) deleted, from \(manifest.sources.count) source file(s)")
            print("segments    \(manifest.segments.count)")
            print("terms       \(terms) (per segment and field)")
            for kind in ["terms", "postings", "positions", "stored", "values", "deletes"] where bytes[kind] != nil {
                print("  \(kind.padding(toLength: 10, withPad: " ", startingAt: 0))\(mb(bytes[kind]!))")
            }
            print("bytes       \(mb(total))")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify every index file's checksum and the index's invariants.",
            discussion: "Exit status 0 when the index is sound; 1 with the damaged file named otherwise.")

        @OptionGroup var options: IndexOptions

        func run() throws {
            let report = try IndexChecker.check(options.index)
            print("ok: \(report.documents) documents, \(report.segments) segment(s), \(report.files) files, \(report.terms) terms, \(report.postings) postings verified")
        }
    }

    struct Optimize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge all segments into one and drop deleted documents.")

        @OptionGroup var options: IndexOptions

        func run() throws {
            guard try IndexDirectory.readManifest(options.index) != nil else { throw IndexError.missing(path: options.index) }
            let tx = try IndexTransaction(directory: options.index, schema: TalentIndex.schema, purpose: "talent optimize")
            let before = tx.manifest.segments
            let readers = before.map { tx.reader(for: $0.name)! }
            let merged = try SegmentMerger.merge(readers, schema: TalentIndex.schema, into: options.index,
                                                 name: tx.newSegmentName())
            try tx.replaceAllSegments(with: merged)
            try tx.commit()
            let bytesBefore = before.reduce(0) { $0 + $1.bytes.values.reduce(0, +) }
            let bytesAfter = merged?.bytes.values.reduce(0, +) ?? 0
            print("merged \(before.count) segment(s) into \(merged == nil ? 0 : 1): \(tx.manifest.liveDocuments) documents, \(String(format: "%.2f", Double(bytesBefore) / 1e6)) MB → \(String(format: "%.2f", Double(bytesAfter) / 1e6)) MB")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete documents by id.",
            discussion: "Example: talent delete --id 51JOB_157952052 --id zh-0001")

        @OptionGroup var options: IndexOptions

        @Option(name: .long, help: "The id of a document to delete (repeatable).")
        var id: [String] = []

        func validate() throws {
            if id.isEmpty { throw ValidationError("Give at least one --id.") }
        }

        func run() throws {
            guard try IndexDirectory.readManifest(options.index) != nil else { throw IndexError.missing(path: options.index) }
            let tx = try IndexTransaction(directory: options.index, schema: TalentIndex.schema, purpose: "talent delete")
            var missing: [String] = []
            var deleted = 0
            for one in id {
                let n = tx.delete(ids: [one])
                if n == 0 { missing.append(one) }
                deleted += n
            }
            if deleted > 0 { try tx.commit() }
            print("deleted \(deleted) document(s); \(tx.manifest.liveDocuments - (deleted > 0 ? 0 : 0)) remain")
            if !missing.isEmpty { printError("warning: not in the index: \(missing.joined(separator: ", "))") }
        }
    }
}
