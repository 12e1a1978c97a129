import Foundation
import IndexStore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@testable import TalentDirectory

/// Runs `talent args` in `dir` and kills it with SIGKILL after `seconds`.
private func killed(_ args: [String], in dir: String, after seconds: Double, output: String) throws {
    let p = try CLI.start(args, in: dir, output: dir + "/" + output)
    usleep(UInt32(seconds * 1_000_000))
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
}

/// Interrupting `talent index` with SIGKILL at random moments never damages the index: it opens, passes
/// `check`, and holds exactly the last commit before the run or the run's own commit.
struct KillTests {
    @Test func killedIndexingLeavesTheOldOrTheNewCommit() throws {
        try TemporaryDirectory.with { dir in
            try write(postings(0..<700, version: "v1", seed: 11), to: dir + "/c/a.jsonl")
            try write(postings(700..<1400, version: "v1", seed: 12), to: dir + "/c/b.jsonl")
            let args = ["index", "c", "--index", "idx", "--ram-budget", "8"]
            #expect(try CLI.run(args, in: dir).status == 0)
            let v1 = try liveTitles(dir + "/idx")
            try FileManager.default.copyItem(atPath: dir + "/idx", toPath: dir + "/backup")

            // The new version: b.jsonl rewritten, a third file added.
            try write(postings(700..<1400, version: "v2", seed: 13), to: dir + "/c/b.jsonl")
            try write(postings(1400..<2400, version: "v2", seed: 14), to: dir + "/c/d.jsonl")

            func restore() throws {
                try FileManager.default.removeItem(atPath: dir + "/idx")
                try FileManager.default.copyItem(atPath: dir + "/backup", toPath: dir + "/idx")
            }
            // One full run gives the new commit and the time a run takes.
            let started = Date()
            #expect(try CLI.run(args, in: dir).status == 0)
            let duration = Date().timeIntervalSince(started)
            let v2 = try liveTitles(dir + "/idx")
            #expect(v2.count == 2400 && v2 != v1)

            var g = SeededRandom(seed: 99)
            var outcomes = [0, 0]
            for attempt in 0..<24 {
                try restore()
                let delay = Double(g.next() % 1000) / 1000 * duration * 1.2
                try killed(args, in: dir, after: delay, output: "kill-\(attempt)")
                let report = try IndexChecker.check(dir + "/idx")
                let live = try liveTitles(dir + "/idx")
                #expect(live == v1 || live == v2, "attempt \(attempt) after \(delay)s: \(live.count) documents")
                #expect(report.documents == live.count)
                outcomes[live == v1 ? 0 : 1] += 1
            }
            #expect(outcomes[0] > 0, "some kills land before the commit")
            // After a kill, the next run cleans up and commits.
            try restore()
            try killed(args, in: dir, after: duration * 0.5, output: "kill-last")
            #expect(try CLI.run(args, in: dir).status == 0)
            #expect(try liveTitles(dir + "/idx") == v2)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/idx").filter { $0.hasSuffix(".post") }
            #expect(leftovers.count == (try IndexSnapshot(directory: dir + "/idx")).segments.count, "no orphaned segment files")
        }
    }

    /// The same when the run goes on to merge segments after its commit: every kill leaves the old commit,
    /// the new one, or a merge of it (the same documents). (Checked while writing it: of 20 kills, some
    /// landed between the commit and the merge's commit, leaving 11 segments, some after, leaving 2.)
    @Test func killedMergingLeavesTheOldOrTheNewDocuments() throws {
        try TemporaryDirectory.with { dir in
            // Ten runs of one small file each: ten segments of one level, not merged yet.
            for part in 0..<10 {
                try write(postings(part * 60..<(part + 1) * 60, version: "v1", seed: UInt64(20 + part)), to: dir + "/c/p\(part).jsonl")
                #expect(try CLI.run(["index", "c", "--index", "idx", "--no-merge", "--threads", "1"], in: dir).status == 0)
            }
            #expect(try IndexSnapshot(directory: dir + "/idx").segments.count == 10)
            let v1 = try liveTitles(dir + "/idx")
            try FileManager.default.copyItem(atPath: dir + "/idx", toPath: dir + "/backup")
            try write(postings(600..<660, version: "v2", seed: 40), to: dir + "/c/p10.jsonl")
            let args = ["index", "c", "--index", "idx", "--threads", "1"]
            func restore() throws {
                try FileManager.default.removeItem(atPath: dir + "/idx")
                try FileManager.default.copyItem(atPath: dir + "/backup", toPath: dir + "/idx")
            }
            let started = Date()
            let full = try CLI.run(args, in: dir)
            let duration = Date().timeIntervalSince(started)
            #expect(full.status == 0 && full.stdout.contains("merged 11 segments into 2"), "\(full.stdout)")
            let v2 = try liveTitles(dir + "/idx")
            #expect(v2.count == 660)

            var g = SeededRandom(seed: 7)
            var outcomes = [0, 0]
            for attempt in 0..<20 {
                try restore()
                try killed(args, in: dir, after: Double(g.next() % 1000) / 1000 * duration * 1.1, output: "kill-\(attempt)")
                let report = try IndexChecker.check(dir + "/idx")
                let live = try liveTitles(dir + "/idx")
                #expect(live == v1 || live == v2, "attempt \(attempt): \(live.count) documents")
                #expect(report.documents == live.count)
                outcomes[live == v1 ? 0 : 1] += 1
            }
            #expect(outcomes[0] > 0 && outcomes[1] > 0, "kills land before and after the commit: \(outcomes)")
            // A run after a kill cleans up, commits and merges; no segment files are left behind.
            try restore()
            try killed(args, in: dir, after: duration * 0.3, output: "kill-last")
            #expect(try CLI.run(args, in: dir).status == 0)
            #expect(try liveTitles(dir + "/idx") == v2)
            let segments = try IndexSnapshot(directory: dir + "/idx").segments.count
            let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/idx").filter { $0.hasSuffix(".post") }
            #expect(files.count == segments, "no orphaned segment files")
        }
    }
}
