/// baysh's version, printed by `baysh --version` and written into transcript headers.
public enum BayshVersion {
    public static let current = "0.1.0"
}
