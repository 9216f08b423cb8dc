using System.Diagnostics;

namespace Berth.TestSupport;

/// <summary>Runs a program to completion and captures what it printed.</summary>
public static class Run
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    public static async Task<Result> Program(string file, IEnumerable<string> args, IDictionary<string, string>? env = null,
        string? stdin = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env != null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin != null) await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish in time");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>The real docker CLI against a berthd socket.</summary>
    public static Task<Result> Docker(string host, params string[] args) => Docker(host, null, args);

    /// <summary>The real docker CLI, killed (a <see cref="TimeoutException"/>) if it has not finished after <paramref name="timeout"/>: a hang guard.</summary>
    public static Task<Result> Docker(string host, TimeSpan? timeout, params string[] args) =>
        Program("/usr/local/bin/docker", args, new Dictionary<string, string> { ["DOCKER_HOST"] = host, ["DOCKER_CONFIG"] = DockerConfigDir }, timeout: timeout);

    /// <summary>An empty docker config dir, so the host user's contexts and credentials never leak into tests.</summary>
    private static readonly string DockerConfigDir = CreateDockerConfigDir();

    private static string CreateDockerConfigDir()
    {
        var dir = Directory.CreateTempSubdirectory("berth-test-dockercfg-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        };
        return dir;
    }
}
