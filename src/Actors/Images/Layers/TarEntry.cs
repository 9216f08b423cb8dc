namespace Berth.Actors.Images.Layers;

/// <summary>The kinds of tar entries a layer may hold.</summary>
public enum TarEntryType { Regular, Directory, Symlink, Hardlink, CharDevice, BlockDevice, Fifo }

/// <summary>One tar header, with PAX and GNU extensions already folded in (long names, xattrs as raw bytes).</summary>
public sealed class TarEntry
{
    public required string Name { get; set; }
    public TarEntryType Type { get; set; } = TarEntryType.Regular;
    /// <summary>Permission bits including setuid/setgid/sticky (07777).</summary>
    public uint Mode { get; set; } = 0b110_100_100;
    public long Uid { get; set; }
    public long Gid { get; set; }
    public string Uname { get; set; } = "";
    public string Gname { get; set; } = "";
    public DateTimeOffset ModTime { get; set; } = DateTimeOffset.UnixEpoch;
    public long Size { get; set; }
    public string LinkName { get; set; } = "";
    public uint DevMajor { get; set; }
    public uint DevMinor { get; set; }
    /// <summary>Extended attributes (PAX SCHILY.xattr.*), values kept as bytes because capabilities are binary.</summary>
    public SortedDictionary<string, byte[]> Xattrs { get; } = new(StringComparer.Ordinal);

    public override string ToString() => $"{Type} {Name}";
}
