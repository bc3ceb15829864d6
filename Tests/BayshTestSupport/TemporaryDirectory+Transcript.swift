import Foundation

extension TemporaryDirectory {
    /// `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
