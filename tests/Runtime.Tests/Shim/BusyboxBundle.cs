using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Berth.Runtime.Tests.Shim;

/// <summary>An OCI bundle made by `runc spec` over a static busybox rootfs copied from the host's /bin/busybox.</summary>
public sealed class BusyboxBundle
{
    private static readonly string[] Applets = ["sh", "echo", "cat", "sleep", "stty", "head", "tr", "seq", "true", "read"];

    public string Dir { get; }

    private BusyboxBundle(string dir) => Dir = dir;

    /// <summary>Writes the bundle into <paramref name="dir"/>; <paramref name="edit"/> adjusts config.json.</summary>
    public static BusyboxBundle Create(string dir, string[] args, bool terminal = false, Action<JsonObject>? edit = null)
    {
        var bin = Path.Combine(dir, "rootfs", "bin");
        Directory.CreateDirectory(bin);
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        foreach (var applet in Applets) File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");

        var spec = Process.Start(new ProcessStartInfo("runc", "spec") { WorkingDirectory = dir, RedirectStandardError = true })!;
        var error = spec.StandardError.ReadToEnd();
        spec.WaitForExit();
        if (spec.ExitCode != 0) throw new InvalidOperationException("runc spec failed: " + error);

        var configPath = Path.Combine(dir, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        var process = config["process"]!.AsObject();
        process["terminal"] = terminal;
        process["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        edit?.Invoke(config);
        File.WriteAllText(configPath, config.ToJsonString());
        return new BusyboxBundle(dir);
    }
}
