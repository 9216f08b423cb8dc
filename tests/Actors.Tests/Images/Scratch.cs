using System.Diagnostics;
using System.Text;
using Berth.Actors.Images.Layers;
using Berth.Runtime.Mounts;

namespace Berth.Actors.Tests.Images;

/// <summary>A test-unique directory under /tmp, unmounted and removed on dispose even when the test failed.</summary>
public sealed class Scratch : IDisposable
{
    public Scratch()
    {
        Root = Path.Combine(Path.GetTempPath(), "berth-images-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Dir(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public string PathOf(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        // Anything a test mounted below the scratch dir goes first (deepest first).
        var mounts = File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')[1])
            .Where(m => m.StartsWith(Root, StringComparison.Ordinal)).OrderByDescending(m => m.Length);
        foreach (var mount in mounts) OverlayMount.Unmount(mount);
        // The images actor deletes retired snapshots on a pool thread that may outlive the test's actor system: when
        // both remove the same tree, one finds entries gone or a directory refilled mid-walk, so try again.
        for (var attempt = 0; Directory.Exists(Root); attempt++)
        {
            try { Directory.Delete(Root, recursive: true); }
            catch (IOException) when (attempt < 50) { Thread.Sleep(20); }
        }
    }
}

/// <summary>Builds layer tars in memory, entry by entry.</summary>
public sealed class LayerBuilder
{
    private readonly MemoryStream _stream = new();
    private readonly TarWriter _writer;

    public LayerBuilder() { _writer = new TarWriter(_stream); }

    public static readonly DateTimeOffset Time = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    public LayerBuilder Dir(string name, uint mode = 0b111_101_101, long uid = 0, long gid = 0)
    {
        _writer.Write(new TarEntry { Name = name, Type = TarEntryType.Directory, Mode = mode, Uid = uid, Gid = gid, ModTime = Time });
        return this;
    }

    public LayerBuilder File(string name, string content, uint mode = 0b110_100_100, long uid = 0, long gid = 0,
        IDictionary<string, byte[]>? xattrs = null)
    {
        var data = Encoding.UTF8.GetBytes(content);
        var entry = new TarEntry { Name = name, Size = data.Length, Mode = mode, Uid = uid, Gid = gid, ModTime = Time };
        foreach (var (k, v) in xattrs ?? new Dictionary<string, byte[]>()) entry.Xattrs[k] = v;
        _writer.Write(entry, new MemoryStream(data));
        return this;
    }

    public LayerBuilder Symlink(string name, string target) => Add(new TarEntry { Name = name, Type = TarEntryType.Symlink, LinkName = target, Mode = 0b111_111_111, ModTime = Time });

    public LayerBuilder Hardlink(string name, string target) => Add(new TarEntry { Name = name, Type = TarEntryType.Hardlink, LinkName = target, ModTime = Time });

    public LayerBuilder CharDevice(string name, uint major, uint minor) =>
        Add(new TarEntry { Name = name, Type = TarEntryType.CharDevice, DevMajor = major, DevMinor = minor, Mode = 0b110_110_110, ModTime = Time });

    public LayerBuilder Fifo(string name) => Add(new TarEntry { Name = name, Type = TarEntryType.Fifo, Mode = 0b110_100_100, ModTime = Time });

    public LayerBuilder Whiteout(string dir, string name) => File((dir.Length == 0 ? "" : dir + "/") + ".wh." + name, "", 0);

    public LayerBuilder Opaque(string dir) => File(dir + "/.wh..wh..opq", "", 0);

    private LayerBuilder Add(TarEntry entry)
    {
        _writer.Write(entry);
        return this;
    }

    public byte[] Build()
    {
        _writer.Finish();
        return _stream.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }
}

/// <summary>Runs a host tool and returns its stdout, failing the test with its stderr when it exits non-zero.</summary>
public static class Tool
{
    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new Xunit.Sdk.XunitException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr}");
        return stdout.Result;
    }
}
