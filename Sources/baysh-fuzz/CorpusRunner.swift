#if !BAYSH_LIBFUZZER
    import BayshFuzzing
    import Foundation

    /// Without the fuzzer: `baysh-fuzz TARGET FILE|DIRECTORY...` runs each file through the same checks, to
    /// reproduce a crash artifact or replay a corpus under a debugger.
    @main
    struct CorpusRunner {
        static func main() {
            let arguments = Array(CommandLine.arguments.dropFirst())
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
                let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
                FileHandle.standardError.write(Data("usage: baysh-fuzz \(names) FILE|DIRECTORY...\n".utf8))
                exit(2)
            }
            var failures = 0
            var checked = 0
            for file in arguments.dropFirst().flatMap(files) {
                checked += 1
                guard let data = FileManager.default.contents(atPath: file) else {
                    print("\(file): cannot read")
                    failures += 1
                    continue
                }
                do {
                    try target.check(Array(data))
                } catch {
                    print("\(file): \(error)")
                    failures += 1
                }
            }
            print("\(checked) inputs checked, \(failures) failed")
            exit(failures == 0 ? 0 : 1)
        }

        /// The path itself, or the regular files directly inside it when it is a directory.
        static func files(_ path: String) -> [String] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
                let names = try? FileManager.default.contentsOfDirectory(atPath: path)
            else { return [path] }
            return names.sorted().map { path + "/" + $0 }
        }
    }
#endif
