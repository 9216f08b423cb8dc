using System.Globalization;
using Berth.Shim.Logging;

namespace Berth.Shim.Protocol;

/// <summary>
/// berth-shim's command line, built by the daemon and parsed by the shim:
/// <c>berth-shim --id ID --bundle DIR --state-dir DIR [--runtime PATH] [--runtime-root DIR]
/// [--log-path FILE] [--log-max-size 10m] [--log-max-file 3] [--exit-file FILE]
/// [--stdin] [--stdin-once] [--wait-for-start] [--foreground]</c>.
/// Whether the container has a terminal comes from the bundle's config.json (process.terminal).
/// </summary>
/// <param name="Runtime">An OCI runtime speaking runc's CLI (runc, crun, berth-runtime); a bare name is looked up in PATH.</param>
/// <param name="RuntimeRoot">Passed as the runtime's --root; null keeps the runtime's default.</param>
/// <param name="LogPath">json-file log; null disables logging (docker's "none" driver).</param>
/// <param name="Stdin">Give the container a stdin the attach clients can write to (docker's OpenStdin).</param>
/// <param name="StdinOnce">Close the container's stdin when an attach client's stdin ends (docker's StdinOnce).</param>
/// <param name="WaitForStart">Create the container and wait for a "start" request instead of starting at once.</param>
/// <param name="Foreground">Run the monitor in this process instead of detaching into a new session.</param>
public sealed record ShimArguments(
    string Id,
    string Bundle,
    string StateDir,
    string Runtime = "runc",
    string? RuntimeRoot = null,
    string? LogPath = null,
    LogRotation? LogRotation = null,
    string? ExitFile = null,
    bool Stdin = false,
    bool StdinOnce = false,
    bool WaitForStart = false,
    bool Foreground = false)
{
    /// <summary>Internal flag: this process is the detached monitor the launcher spawned.</summary>
    public const string MonitorFlag = "--monitor";

    public ShimPaths Paths => new(StateDir);
    public string ExitFilePath => ExitFile ?? Paths.DefaultExitFile;
    public LogRotation Rotation => LogRotation ?? Logging.LogRotation.Default;

    public List<string> ToArgv()
    {
        var a = new List<string> { "--id", Id, "--bundle", Bundle, "--state-dir", StateDir, "--runtime", Runtime };
        if (RuntimeRoot != null) a.AddRange(["--runtime-root", RuntimeRoot]);
        if (LogPath != null) a.AddRange(["--log-path", LogPath]);
        a.AddRange(["--log-max-size", Rotation.MaxSize?.ToString(CultureInfo.InvariantCulture) ?? "-1",
            "--log-max-file", Rotation.MaxFiles.ToString(CultureInfo.InvariantCulture)]);
        if (ExitFile != null) a.AddRange(["--exit-file", ExitFile]);
        if (Stdin) a.Add("--stdin");
        if (StdinOnce) a.Add("--stdin-once");
        if (WaitForStart) a.Add("--wait-for-start");
        if (Foreground) a.Add("--foreground");
        return a;
    }

    /// <summary>Parses the command line; throws <see cref="FormatException"/> naming the bad argument.</summary>
    public static ShimArguments Parse(IReadOnlyList<string> args)
    {
        string? id = null, bundle = null, state = null, runtime = "runc", root = null, log = null, exit = null;
        long? maxSize = Logging.LogRotation.Default.MaxSize;
        var maxFiles = Logging.LogRotation.Default.MaxFiles;
        bool stdin = false, once = false, wait = false, fg = false;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--id": id = Value(); break;
                case "--bundle": bundle = Value(); break;
                case "--state-dir": state = Value(); break;
                case "--runtime": runtime = Value(); break;
                case "--runtime-root": root = Value(); break;
                case "--log-path": log = Value(); break;
                case "--log-max-size": maxSize = Logging.LogRotation.ParseSize(Value()); break;
                case "--log-max-file": maxFiles = Logging.LogRotation.ParseFiles(Value()); break;
                case "--exit-file": exit = Value(); break;
                case "--stdin": stdin = true; break;
                case "--stdin-once": once = true; break;
                case "--wait-for-start": wait = true; break;
                case "--foreground": fg = true; break;
                case MonitorFlag: break;
                default: throw new FormatException($"unknown argument \"{args[i]}\"");
            }
        }
        return new ShimArguments(
            id ?? throw new FormatException("--id is required"),
            bundle ?? throw new FormatException("--bundle is required"),
            state ?? throw new FormatException("--state-dir is required"),
            runtime, root, log, new LogRotation(maxSize, maxFiles), exit, stdin, once, wait, fg);
    }
}
