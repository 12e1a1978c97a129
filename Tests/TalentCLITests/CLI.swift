import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif


func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: false, encoding: .utf8)
}

