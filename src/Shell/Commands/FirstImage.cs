using System.Diagnostics;
using System.Formats.Tar;
using System.Net.Http.Headers;
using System.Text;
using Berth.Shell.Client;

namespace Berth.Shell.Commands;

/// <summary>busybox:latest made from the host's static busybox by `docker import`, so a new user can run something without a registry.</summary>
public static class FirstImage
{
    public const string Reference = "busybox:latest";
    private const string HostBusybox = "/bin/busybox";

    /// <summary>Imports busybox:latest unless the daemon already has it; returns the image id, or null when it was there.</summary>
    public static async Task<string?> Ensure(EngineClient client, CancellationToken ct = default)
    {
        try
        {
            await client.GetJsonAsync($"/images/{Reference}/json", ct: ct);
            return null;
        }
        catch (DaemonError e) when (e.IsNotFound) { }
        if (!File.Exists(HostBusybox)) throw new Cli.CliError($"{HostBusybox} is missing: install busybox-static (./build.sh does)", 1);

        using var tar = new MemoryStream();
        await WriteRootfs(tar, await Applets(ct), ct);
        tar.Position = 0;
        var content = new StreamContent(tar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        var query = new QueryString().Add("fromSrc", "-").Add("repo", "busybox").Add("tag", "latest")
            .Add("message", "busybox from the host's busybox-static").Add("changes", "CMD [\"sh\"]");
        await using var stream = await client.OpenStreamAsync(HttpMethod.Post, "/images/create", query, content, ct: ct);
        string? id = null;
        await foreach (var m in JsonMessage.ReadAllAsync(stream, ct))
        {
            if (m.Error != null) throw new JsonStreamError(m.Error.Code, m.Error.Message);
            id = m.Status ?? id;
        }
        return id;
    }

    private static async Task<IReadOnlyList<string>> Applets(CancellationToken ct)
    {
        var psi = new ProcessStartInfo(HostBusybox, "--list") { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var list = await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(a => a != "busybox").ToList();
    }

    private static async Task WriteRootfs(Stream output, IReadOnlyList<string> applets, CancellationToken ct)
    {
        await using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        const UnixFileMode dir = (UnixFileMode)0b111_101_101;
        foreach (var d in new[] { "bin/", "etc/", "root/", "proc/", "sys/", "dev/", "home/", "var/", "usr/", "usr/bin/" })
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, d) { Mode = dir, ModificationTime = DateTimeOffset.UtcNow }, ct);
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "tmp/") { Mode = (UnixFileMode)0b1_111_111_111 }, ct);
        var bin = new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = dir, DataStream = System.IO.File.OpenRead(HostBusybox) };
        await tar.WriteEntryAsync(bin, ct);
        await bin.DataStream!.DisposeAsync();
        foreach (var a in applets)
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + a) { LinkName = "busybox", Mode = (UnixFileMode)0b111_111_111 }, ct);
        await AddFile("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n");
        await AddFile("etc/group", "root:x:0:\nnogroup:x:65534:\n");
        await AddFile("etc/hostname", "busybox\n");

        async Task AddFile(string name, string text)
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0b110_100_100, DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };
            await tar.WriteEntryAsync(entry, ct);
        }
    }
}
