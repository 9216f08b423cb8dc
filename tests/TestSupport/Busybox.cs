namespace Berth.TestSupport;

/// <summary>A static busybox root filesystem made from the host's busybox-static: no registry, no internet.</summary>
public static class Busybox
{
    public const string HostBinary = "/bin/busybox";

    public static readonly string[] Applets = ["sh", "ls", "cat", "echo", "sleep", "true", "false", "id", "hostname", "ps", "mount", "env", "touch", "mkdir", "rm", "wc", "head", "grep", "stat"];

    /// <summary>Writes the tree (bin/busybox plus applet links, etc/passwd, etc/group, tmp) into <paramref name="root"/>.</summary>
    public static void WriteTree(string root)
    {
        if (!File.Exists(HostBinary)) throw new InvalidOperationException("busybox-static is not installed (scripts/deps.sh installs it)");
        foreach (var d in new[] { "bin", "etc", "tmp", "proc", "sys", "dev", "root" }) Directory.CreateDirectory(Path.Combine(root, d));
        File.Copy(HostBinary, Path.Combine(root, "bin", "busybox"), overwrite: true);
        File.SetUnixFileMode(Path.Combine(root, "bin", "busybox"), (UnixFileMode)0b111_101_101);
        foreach (var a in Applets) File.CreateSymbolicLink(Path.Combine(root, "bin", a), "busybox");
        File.WriteAllText(Path.Combine(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        File.WriteAllText(Path.Combine(root, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
    }

    /// <summary>The tree as an uncompressed tar file, ready for `docker import`.</summary>
    public static async Task<string> RootfsTar(TempDir dir)
    {
        var root = dir.Combine("busybox-root");
        WriteTree(root);
        var tar = dir.Combine("busybox-rootfs.tar");
        var r = await Run.Program("/bin/tar", ["-C", root, "--numeric-owner", "-cf", tar, "."]);
        if (r.ExitCode != 0) throw new InvalidOperationException(r.ToString());
        return tar;
    }
}
