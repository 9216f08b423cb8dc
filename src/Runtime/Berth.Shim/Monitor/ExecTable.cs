using System.Text.Json;
using Berth.Shim.Protocol;

namespace Berth.Shim.Monitor;

/// <summary>The container's execs by id: registration, start, and lookups for the control and attach sockets.</summary>
internal sealed class ExecTable(RuntimeCli runtime, Reaper reaper, string containerId, string stateDir)
{
    /// <summary>Bounds what a misbehaving client can make the shim remember.</summary>
    private const int MaxExecs = 4096;

    private readonly object _gate = new();
    private readonly Dictionary<string, ExecProcess> _execs = new();

    /// <summary>Registers an exec with its pipes (nothing runs yet); null on success, else the reason.</summary>
    public string? Register(string? execId, JsonElement? process, bool stdin)
    {
        if (string.IsNullOrEmpty(execId) || execId.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')))
            return "exec needs an execId of letters, digits, '-' or '_'";
        if (!IsRunnable(process, out var p))
            return "exec needs a process object with a non-empty args array";
        lock (_gate)
        {
            if (_execs.ContainsKey(execId)) return $"exec {execId} already exists";
            if (_execs.Count >= MaxExecs) return "too many execs in this container";
            _execs[execId] = new ExecProcess(execId, p, stdin, new ExecPaths(stateDir, execId));
        }
        return null;
    }

    /// <summary>An OCI process object with a non-empty args array: the least `runtime exec --process` can run.</summary>
    public static bool IsRunnable(JsonElement? process, out JsonElement p)
    {
        p = process ?? default;
        return p.ValueKind == JsonValueKind.Object && p.TryGetProperty("args", out var args)
               && args.ValueKind == JsonValueKind.Array && args.GetArrayLength() > 0;
    }

    public ExecProcess Get(string? execId)
    {
        lock (_gate)
            return execId != null && _execs.TryGetValue(execId, out var e) ? e : throw new InvalidOperationException($"no such exec: {execId}");
    }

    public ExecProcess? Find(string execId)
    {
        lock (_gate) return _execs.GetValueOrDefault(execId);
    }

    public Task<string?> Start(string? execId) => Get(execId).Start(runtime, reaper, containerId);

    /// <summary>Runs a health probe (never registered: nothing attaches to it, nothing lists it).</summary>
    public Task<ProbeResult> Probe(JsonElement process, TimeSpan timeout) =>
        HealthProbeRun.Run(runtime, reaper, containerId, stateDir, process, timeout);

    public IReadOnlyList<ExecState> States()
    {
        lock (_gate) return _execs.Values.Select(e => e.State()).ToList();
    }
}
