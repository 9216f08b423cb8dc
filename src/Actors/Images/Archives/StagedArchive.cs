using Berth.Actors.Images.Layers;

namespace Berth.Actors.Images.Archives;

/// <summary>
/// An image archive (docker save / OCI layout tar, possibly gzip'd or zstd'd) spooled to a scratch directory, because
/// its entries come in any order (manifest.json is last in docker save). Symlinks (docker save links duplicate layers)
/// are kept as a map and resolved inside the archive only; nothing outside the scratch dir is ever read or written.
/// </summary>
public sealed class StagedArchive : IDisposable
{
    private readonly Dictionary<string, string> _symlinks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);

    private StagedArchive(string dir) { Dir = dir; }

    public string Dir { get; }

    public static StagedArchive Spool(Stream source, string scratchRoot)
    {
        var staged = new StagedArchive(Path.Combine(scratchRoot, "load-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(staged.Dir);
        try
        {
            var (tar, _) = Compression.Decompress(source);
            var reader = new TarReader(tar);
            while (reader.Next() is { } entry)
            {
                var comps = LayerPath.Components(entry.Name, "archive entry");
                if (comps.Length == 0) continue;
                var rel = string.Join('/', comps);
                switch (entry.Type)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(Path.Combine(staged.Dir, rel));
                        break;
                    case TarEntryType.Regular:
                        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(staged.Dir, rel))!);
                        using (var file = new FileStream(Path.Combine(staged.Dir, rel), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                            reader.Data.CopyTo(file, 1 << 16);
                        staged._files.Add(rel);
                        break;
                    case TarEntryType.Symlink:
                        staged._symlinks[rel] = entry.LinkName;
                        break;
                    case TarEntryType.Hardlink:
                        staged._symlinks[rel] = "/" + string.Join('/', LayerPath.Components(entry.LinkName, "archive hardlink"));
                        break;
                }
            }
            return staged;
        }
        catch
        {
            staged.Dispose();
            throw;
        }
    }

    public bool Exists(string path) => Resolve(path) is not null;

    /// <summary>Opens a file of the archive by its archive path, following the archive's own links.</summary>
    public FileStream Open(string path)
    {
        var rel = Resolve(path) ?? throw new InvalidDataException($"archive has no file \"{path}\"");
        return new FileStream(Path.Combine(Dir, rel), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    public byte[] ReadAll(string path)
    {
        using var s = Open(path);
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private string? Resolve(string path)
    {
        var current = string.Join('/', LayerPath.Components(path, "archive path"));
        for (var hops = 0; hops < 16; hops++)
        {
            if (_files.Contains(current)) return current;
            if (!_symlinks.TryGetValue(current, out var target)) return null;
            var baseDir = target.StartsWith('/') ? "" : Path.GetDirectoryName(current) ?? "";
            current = Normalize(baseDir.Length == 0 ? target : baseDir + "/" + target);
            if (current is null) return null;
        }
        throw new InvalidDataException($"archive path \"{path}\" has too many levels of links");
    }

    /// <summary>Resolves "." and ".." lexically; a path that climbs above the archive root is refused.</summary>
    private static string? Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var p in path.Split('/'))
        {
            if (p.Length == 0 || p == ".") continue;
            if (p == "..")
            {
                if (parts.Count == 0) throw new LayerEscapeException($"archive link \"{path}\" points outside the archive");
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(p);
        }
        return string.Join('/', parts);
    }

    public void Dispose()
    {
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }
}
