using System.Diagnostics;

namespace Berth.Runtime.Tests.Support;

/// <summary>A static busybox root filesystem made from the host's /bin/busybox (no registry, no network).</summary>
public static class TestRootfs
{
    public static void Create(string dir)
    {
        const string busybox = "/bin/busybox";
        if (!File.Exists(busybox)) throw new InvalidOperationException("/bin/busybox is missing: install busybox-static (scripts/deps.sh)");
        foreach (var d in new[] { "bin", "etc", "proc", "sys", "dev", "tmp", "root", "home/user" })
            Directory.CreateDirectory(Path.Combine(dir, d));
        File.Copy(busybox, Path.Combine(dir, "bin/busybox"));
        foreach (var applet in Applets(busybox))
            if (applet != "busybox")
                File.CreateSymbolicLink(Path.Combine(dir, "bin", applet), "busybox");
        File.WriteAllText(Path.Combine(dir, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        File.WriteAllText(Path.Combine(dir, "etc/group"), "root:x:0:\ntty:x:5:\nuser:x:1000:\nnogroup:x:65534:\n");
        File.WriteAllText(Path.Combine(dir, "etc/hostname"), "rootfs\n");
    }

    private static string[]? _applets;

    private static string[] Applets(string busybox)
    {
        if (_applets != null) return _applets;
        var p = Process.Start(new ProcessStartInfo(busybox, "--list") { RedirectStandardOutput = true })!;
        var list = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        return _applets = list;
    }
}
