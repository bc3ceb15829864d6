import BayshFuzzing
import Foundation

/// The target libFuzzer runs, named by the environment variable BAYSH_FUZZ_TARGET (libFuzzer owns the arguments).
let fuzzTarget: FuzzTarget = {
    let name = getenv("BAYSH_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("baysh-fuzz: set BAYSH_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

/// libFuzzer's entry point: one input through the target's checks. A broken invariant aborts, so libFuzzer keeps
/// the input as a crash artifact.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        try fuzzTarget.check(bytes)
    } catch {
        FileHandle.standardError.write(Data("baysh-fuzz: invariant broken: \(error)\n".utf8))
        abort()
    }
    return 0
}

#if BAYSH_LIBFUZZER
    import CFuzzerDriver

    /// SwiftPM links an executable's `main` to `<module>_main`; in the fuzzer build that hands over to libFuzzer's
    /// driver, which reads libFuzzer's own arguments (`-runs=`, `-max_len=`, corpus directories).
    @_cdecl("baysh_fuzz_main")
    public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
    }
#endif
