import Foundation

/// The bubblewrap command line of a session's sandbox: what of this machine it sees, and how.
///
/// Read-only: `/usr` and the `/bin`, `/sbin`, `/lib*` entries (symlinks on merged-/usr systems, folders elsewhere),
/// and from `/etc` only what programs need to start and run (the loader cache, alternatives, certificates, time
/// zone, name-service and protocol tables), never `/etc` whole (no shadow, no host keys, no sudoers). `/etc/passwd`
/// and `/etc/group` are baysh's own two-line files, so no other user's name is shown. Read-write: the workspace at
/// its own path. Private: `/tmp`, `HOME`, `/dev` (null, zero, random, tty, pts, shm only) and `/proc` of a PID
/// namespace of its own. Unshared: IPC, UTS, cgroup, user and, unless the network is on, network namespaces.
struct SandboxLayout: Sendable {
    var workspace: String
    /// The sandbox's HOME: a private, empty tmpfs.
    var home: String
    /// The host folder shown read-only at ``Sandbox/exchangeMount`` (the per-call scripts and output FIFOs).
    var exchange: String
    var passwdFile: String
    var groupFile: String
    var network: Bool

    /// `/etc` entries programs read; those missing on this machine are skipped. `resolv.conf` only with network.
    static let etcEntries = [
        "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime", "timezone", "nsswitch.conf",
        "host.conf", "hosts", "gai.conf", "protocols", "services", "mime.types", "locale.alias", "os-release",
        "ssl", "ca-certificates", "ca-certificates.conf", "pki", "crypto-policies",
    ]
    /// Top-level entries that are part of the system's programs and libraries.
    static let systemEntries = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]

    /// The path HOME gets inside: the user's own HOME path (so `~` in output means what it means outside), as a
    /// private empty folder; `/tmp` when HOME is unset, `/`, a system folder, or the workspace or inside it.
    static func home(hostHome: String?, workspace: String) -> String {
        guard let hostHome, hostHome.hasPrefix("/") else { return "/tmp" }
        let home = URL(fileURLWithPath: hostHome).standardizedFileURL.path
        let reserved = ["/", "/usr", "/etc", "/proc", "/dev", "/tmp", "/run", "/sys"] + systemEntries
        if reserved.contains(home) || home == workspace || home.hasPrefix(workspace + "/") { return "/tmp" }
        return home
    }

    /// The arguments after `bwrap`, up to and including `--`, the agent starting with `environment`.
    func arguments(environment: [String: String], fileManager: FileManager = .default) -> [String] {
        var arguments = ["--ro-bind", "/usr", "/usr"]
        for entry in Self.systemEntries {
            if let target = try? fileManager.destinationOfSymbolicLink(atPath: entry) {
                arguments += ["--symlink", target, entry]
            } else if fileManager.fileExists(atPath: entry) {
                arguments += ["--ro-bind", entry, entry]
            }
        }
        var etc = Self.etcEntries
        if network { etc.append("resolv.conf") }
        for entry in etc where fileManager.fileExists(atPath: "/etc/" + entry) {
            arguments += ["--ro-bind", "/etc/" + entry, "/etc/" + entry]
        }
        arguments += ["--ro-bind", passwdFile, "/etc/passwd", "--ro-bind", groupFile, "/etc/group"]
        arguments += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        if home != "/tmp" { arguments += ["--tmpfs", home] }
        // After the tmpfs mounts, so a workspace under /tmp or HOME shows through them.
        arguments += ["--bind", workspace, workspace, "--ro-bind", exchange, Sandbox.exchangeMount]
        // The root itself (bubblewrap's tmpfs holding the mount points) takes no new files.
        arguments += ["--remount-ro", "/"]
        arguments += ["--unshare-all"]
        if network { arguments += ["--share-net"] }
        arguments += [
            "--hostname", "baysh-sandbox", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--chdir", workspace, "--clearenv",
        ]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["--setenv", key, value] }
        return arguments + ["--"]
    }

    /// The environment every command inside starts from (the tools add PWD and the call's `envs`): none of baysh's
    /// own variables, which may hold keys and tokens, only the locale and terminal ones that change how output
    /// looks.
    func baseEnvironment(host: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin", "HOME": home, "SHELL": "/bin/sh",
            "TMPDIR": "/tmp",
        ]
        let user = Self.userName()
        environment["USER"] = user
        environment["LOGNAME"] = user
        for (key, value) in host where key == "LANG" || key == "TZ" || key == "TERM" || key.hasPrefix("LC_") {
            environment[key] = value
        }
        return environment
    }

    /// This user's name from the password database, or `user`.
    static func userName() -> String {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "user" }
        return String(cString: name)
    }

    /// The sandbox's `/etc/passwd`: this user (with the sandbox's HOME) and nobody.
    func passwd() -> String {
        let uid = getuid()
        let gid = getgid()
        var lines = ["\(Self.userName()):x:\(uid):\(gid)::\(home):/bin/sh"]
        if uid != 65534 { lines.append("nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The sandbox's `/etc/group`: this user's group and nogroup.
    func group() -> String {
        let gid = getgid()
        var name = "users"
        if let entry = getgrgid(gid), let groupName = entry.pointee.gr_name { name = String(cString: groupName) }
        var lines = ["\(name):x:\(gid):"]
        if gid != 65534 { lines.append("nogroup:x:65534:") }
        return lines.joined(separator: "\n") + "\n"
    }
}
