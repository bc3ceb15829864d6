import Foundation

extension TemporaryDirectory {
    /// `name` inside the folder.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
