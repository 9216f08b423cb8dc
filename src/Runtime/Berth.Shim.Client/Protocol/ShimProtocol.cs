using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Shim.Protocol;

// The wire contract between berthd and berth-shim, in one file so both sides share it.
//
// Control socket <state>/shim.sock: line-delimited JSON, one ShimRequest per line, answered by one
// ShimResponse line, in order; a connection may carry many requests ("wait" blocks only its own).
//
// Attach socket <state>/attach.sock: the client sends one AttachHeader JSON line, then raw stdin
// bytes (half-close = stdin EOF). The shim sends output frames in docker's stdcopy layout
// (8-byte header: stream, 0, 0, 0, big-endian uint32 length; then the payload) and closes the
// connection once the container's output has ended.
//
// Ready line: the launcher prints one ShimReady JSON line on stdout and exits 0 (ok) or 1.

/// <summary>Control operations understood by the shim.</summary>
public static class ShimOps
{
    public const string Start = "start", Resize = "resize", Kill = "kill", State = "state",
        CloseStdin = "close-stdin", Wait = "wait", Shutdown = "shutdown";

    /// <summary>docker exec: register (stdio ready, nothing runs), start, wait, resize, state, list.</summary>
    public const string Exec = "exec", ExecStart = "exec-start", ExecWait = "exec-wait", ExecResize = "exec-resize",
        ExecState = "exec-state", ExecList = "exec-list";

    /// <summary>A health probe: run a process in the container, capture its output, kill it at the timeout (see <see cref="ProbeResult"/>).</summary>
    public const string Probe = "probe";
}

/// <summary>Container status as the shim sees it.</summary>
public static class ShimStatus
{
    public const string Created = "created", Running = "running", Stopped = "stopped";
}

/// <summary>One control request; only the fields of its <see cref="Op"/> are used.</summary>
public sealed record ShimRequest(
    string Op,
    int? Rows = null,
    int? Cols = null,
    int? Signal = null,
    bool? All = null,
    bool? Force = null,
    string? ExecId = null,
    JsonElement? Process = null,
    bool? Stdin = null,
    int? TimeoutMs = null);

/// <summary>The answer to one control request: Ok, or Error with the reason.</summary>
public sealed record ShimResponse(bool Ok, string? Error = null, ShimState? State = null, ExitStatus? Exit = null,
    ExecState? Exec = null, IReadOnlyList<ExecState>? Execs = null, ProbeResult? Probe = null);

/// <summary>
/// How one health probe went, as docker records it: the exit code (-1 when it could not run or timed out) and stdout and
/// stderr together, cut at <see cref="MaxOutput"/> bytes.
/// </summary>
public sealed record ProbeResult(int ExitCode, string Output, bool TimedOut)
{
    /// <summary>docker keeps the first 4096 bytes of a probe's output (daemon/health.go, maxOutputLen).</summary>
    public const int MaxOutput = 4096;
}

/// <summary>One exec as the shim sees it: Status created (registered), running or stopped; Process is the OCI process it was given.</summary>
public sealed record ExecState(string ExecId, int Pid, string Status, bool Terminal, JsonElement Process, ExitStatus? Exit);

/// <summary>What the shim knows about its container right now.</summary>
public sealed record ShimState(
    string Id,
    int ShimPid,
    int Pid,
    string Status,
    bool Terminal,
    string? StartedAt,
    ExitStatus? Exit);

/// <summary>How the container ended; also the content of the exit file.</summary>
/// <param name="ExitCode">docker's code: the process's code, 128 + signal, or 126/127/125 when it never ran.</param>
/// <param name="Signal">The signal that killed init, if one did.</param>
/// <param name="FinishedAt">RFC3339Nano, UTC.</param>
/// <param name="OomKilled">True when the container's memory cgroup recorded an OOM kill.</param>
/// <param name="Error">The runtime's message when create or start failed.</param>
public sealed record ExitStatus(int ExitCode, int? Signal, string FinishedAt, bool OomKilled, string? Error = null);

/// <summary>First line an attach client sends: which streams it wants.</summary>
/// <param name="StdinOnce">Overrides the shim's --stdin-once for this client: on its stdin EOF, close the container's stdin.</param>
/// <param name="ExecId">Attach to this exec's stdio instead of the container's (its stdin closes on the client's EOF by default).</param>
public sealed record AttachHeader(bool Stdin, bool Stdout, bool Stderr, bool? StdinOnce = null, string? ExecId = null);

/// <summary>The launcher's one line on stdout once the shim serves its sockets (or failed).</summary>
public sealed record ShimReady(bool Ok, int ShimPid, int Pid, string? Status, string? Error, int? ExitCode = null);

/// <summary>Output streams, numbered like docker's stdcopy.</summary>
public enum AttachStream : byte { Stdin = 0, Stdout = 1, Stderr = 2 }

/// <summary>The stdcopy frame header used on the attach socket.</summary>
public static class AttachFrame
{
    public const int HeaderSize = 8;

    public static void WriteHeader(Span<byte> header, AttachStream stream, int length)
    {
        header[..4].Clear();
        header[0] = (byte)stream;
        BinaryPrimitives.WriteUInt32BigEndian(header[4..8], (uint)length);
    }

    public static (AttachStream Stream, int Length) ReadHeader(ReadOnlySpan<byte> header) =>
        ((AttachStream)header[0], checked((int)BinaryPrimitives.ReadUInt32BigEndian(header[4..8])));
}

/// <summary>Files and sockets the shim keeps in its state directory.</summary>
public sealed record ShimPaths(string StateDir)
{
    public string ControlSocket => Path.Combine(StateDir, "shim.sock");
    public string AttachSocket => Path.Combine(StateDir, "attach.sock");
    public string ConsoleSocket => Path.Combine(StateDir, "console.sock");
    public string PidFile => Path.Combine(StateDir, "init.pid");
    public string ShimPidFile => Path.Combine(StateDir, "shim.pid");
    public string DefaultExitFile => Path.Combine(StateDir, "exit.json");
    public string ShimLog => Path.Combine(StateDir, "shim.log");
    public string RuntimeLog => Path.Combine(StateDir, "runtime.log");
}

/// <summary>docker's mapping from a failed create/start message to the exit code it reports.</summary>
public static class RuntimeErrors
{
    public static int ExitCodeFor(string message)
    {
        if (message.Contains("executable file not found", StringComparison.OrdinalIgnoreCase) ||
            message.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase))
            return 127;
        if (message.Contains("permission denied", StringComparison.OrdinalIgnoreCase))
            return 126;
        return 125;
    }
}

/// <summary>System.Text.Json source generation for every protocol record (NativeAOT, no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ShimRequest))]
[JsonSerializable(typeof(ShimResponse))]
[JsonSerializable(typeof(ShimState))]
[JsonSerializable(typeof(ExitStatus))]
[JsonSerializable(typeof(AttachHeader))]
[JsonSerializable(typeof(ShimReady))]
[JsonSerializable(typeof(ExecState))]
[JsonSerializable(typeof(ProbeResult))]
public sealed partial class ShimJson : JsonSerializerContext;
