using System.Diagnostics;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Formatting;

/// <summary>Runs the real docker CLI (the reference we imitate) against a fake Engine API and returns what it printed.</summary>
internal static class DockerCli
{
    public const string Path = "/usr/local/bin/docker";

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(FakeEngineServer server, params string[] args)
    {
        Assert.True(File.Exists(Path), $"{Path} (docker CLI 28) is the reference for these tests and must be installed");
        var config = Directory.CreateTempSubdirectory("berth-dockercfg-");
        try
        {
            var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-H");
            psi.ArgumentList.Add(server.Address);
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment.Remove("DOCKER_HOST");
            psi.Environment.Remove("DOCKER_CONTEXT");
            psi.Environment["DOCKER_CONFIG"] = config.FullName;
            psi.Environment["TZ"] = "UTC";
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            return new Result(p.ExitCode, await stdout, await stderr);
        }
        finally { config.Delete(recursive: true); }
    }
}
