using System.Diagnostics;
using Berth.TestSupport;

namespace Berth.Runtime.Tests.Support;

/// <summary>What one runtime command did: exit code and what it wrote.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public CommandResult ShouldSucceed()
    {
        if (ExitCode != 0) throw new Xunit.Sdk.XunitException($"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
        return this;
    }
}

/// <summary>
/// An OCI runtime CLI (berth-runtime or runc) with its own test-unique --root. Disposing
/// force-deletes every container it created and removes the root.
/// </summary>
public sealed class OciRuntime : IDisposable
{
    public string Name { get; }
    public string Binary { get; }
    public string Root { get; }
    private readonly HashSet<string> _ids = [];
    private string[] _launcher = [];

    private OciRuntime(string name, string binary)
    {
        Name = name;
        Binary = binary;
        Root = Path.Combine("/tmp", $"berth-test-root-{name}-{Guid.NewGuid().ToString("N")[..8]}");
    }

    public static OciRuntime Berth() => new("berth", Repo.Binary("berth-runtime"));
    public static OciRuntime Runc() => new("runc", "/usr/sbin/runc");

    public static IEnumerable<OciRuntime> Both() => [Runc(), Berth()];

    /// <summary>Every command of this runtime starts through <paramref name="launcher"/> (a program that ends by exec'ing its arguments).</summary>
    public OciRuntime LaunchedBy(params string[] launcher)
    {
        _launcher = launcher;
        return this;
    }

    /// <summary>A fresh container id, remembered for cleanup.</summary>
    public string NewId()
    {
        var id = "t" + Guid.NewGuid().ToString("N")[..10];
        _ids.Add(id);
        return id;
    }

    /// <summary>Runs `runtime --root R args...`; stdio goes to files so container processes never hold our pipes.</summary>
    public CommandResult Exec(params string[] args) => ExecWithGlobals([], args);

    public CommandResult ExecWithGlobals(string[] globals, string[] args, string? stdin = null)
    {
        var tmp = Path.Combine("/tmp", "berth-test-io-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(tmp);
        try
        {
            var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("exec \"$0\" \"$@\" >\"$T/out\" 2>\"$T/err\" <\"${IN:-/dev/null}\"");
            foreach (var l in _launcher) psi.ArgumentList.Add(l);
            psi.ArgumentList.Add(Binary);
            psi.ArgumentList.Add("--root");
            psi.ArgumentList.Add(Root);
            foreach (var g in globals) psi.ArgumentList.Add(g);
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["T"] = tmp;
            if (stdin != null)
            {
                File.WriteAllText(Path.Combine(tmp, "in"), stdin);
                psi.Environment["IN"] = Path.Combine(tmp, "in");
            }
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return new CommandResult(p.ExitCode, File.ReadAllText(Path.Combine(tmp, "out")), File.ReadAllText(Path.Combine(tmp, "err")));
        }
        finally { Directory.Delete(tmp, true); }
    }

    /// <summary>`run` a bundle to completion and return what the container printed.</summary>
    public CommandResult Run(Bundle bundle) => Exec("run", "--bundle", bundle.Dir, NewId());

    public string State(string id) => Exec("state", id).ShouldSucceed().Stdout;

    public string Status(string id)
    {
        var doc = System.Text.Json.JsonDocument.Parse(State(id));
        return doc.RootElement.GetProperty("status").GetString()!;
    }

    public void Dispose()
    {
        foreach (var id in _ids)
            if (Directory.Exists(Path.Combine(Root, id)))
                Exec("delete", "--force", id);
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
