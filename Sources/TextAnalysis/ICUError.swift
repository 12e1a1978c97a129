import CICUShim

/// A failure reported by ICU.
///
/// ICU signals failure with a positive `UErrorCode`; negative codes are warnings and never become errors.
public struct ICUError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The raw `UErrorCode` value.
    public let code: Int32

    public init(code: Int32) {
        precondition(code > 0, "ICU warnings (code <= 0) are not errors")
        self.code = code
    }

    /// The ICU name of the code, as `u_errorName` gives it, e.g. `U_MEMORY_ALLOCATION_ERROR`.
    public var name: String { String(cString: talent_error_name(code)) }

    public var description: String { "ICU error \(name) (\(code))" }
}
