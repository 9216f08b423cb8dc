using System.Text;

namespace Berth.Actors.Images.Layers;

/// <summary>
/// Writes ustar headers, adding a PAX header when a field does not fit (long names, big sizes or ids, non-ASCII)
/// or xattrs are present. Deterministic: the same entries give the same bytes.
/// </summary>
public sealed class TarWriter(Stream stream) : IDisposable
{
    private const int Block = 512;
    private static readonly byte[] Zeros = new byte[Block * 2];
    private bool _finished;

    /// <summary>Writes a header and, for regular files, exactly <see cref="TarEntry.Size"/> bytes from <paramref name="data"/>.</summary>
    public void Write(TarEntry entry, Stream? data = null)
    {
        var name = entry.Type == TarEntryType.Directory && !entry.Name.EndsWith('/') ? entry.Name + "/" : entry.Name;
        var size = entry.Type == TarEntryType.Regular ? entry.Size : 0;
        var pax = new List<(string Key, byte[] Value)>();
        var (ustarName, prefix) = SplitName(name);
        if (ustarName is null) pax.Add(("path", Encoding.UTF8.GetBytes(name)));
        if (Encoding.UTF8.GetByteCount(entry.LinkName) > 100 || !IsAscii(entry.LinkName)) pax.Add(("linkpath", Encoding.UTF8.GetBytes(entry.LinkName)));
        if (size > 077777777777L) pax.Add(("size", Ascii(size)));
        if (entry.Uid > 07777777) pax.Add(("uid", Ascii(entry.Uid)));
        if (entry.Gid > 07777777) pax.Add(("gid", Ascii(entry.Gid)));
        if (!IsAscii(entry.Uname) || entry.Uname.Length > 32) pax.Add(("uname", Encoding.UTF8.GetBytes(entry.Uname)));
        if (!IsAscii(entry.Gname) || entry.Gname.Length > 32) pax.Add(("gname", Encoding.UTF8.GetBytes(entry.Gname)));
        foreach (var (k, v) in entry.Xattrs) pax.Add(("SCHILY.xattr." + k, v));

        if (pax.Count > 0)
        {
            var body = PaxBody(pax);
            var paxName = "PaxHeaders.0/" + Truncate(Path.GetFileName(name.TrimEnd('/')), 80);
            WriteHeader(paxName, "", 'x', 0b110_100_100, 0, 0, "", "", body.Length, entry.ModTime, "", 0, 0);
            stream.Write(body);
            Pad(body.Length);
        }

        var type = entry.Type switch
        {
            TarEntryType.Regular => '0', TarEntryType.Hardlink => '1', TarEntryType.Symlink => '2',
            TarEntryType.CharDevice => '3', TarEntryType.BlockDevice => '4', TarEntryType.Directory => '5', TarEntryType.Fifo => '6',
            _ => throw new ArgumentOutOfRangeException(nameof(entry)),
        };
        WriteHeader(ustarName ?? Truncate(name, 100), prefix ?? "", type, entry.Mode, Math.Min(entry.Uid, 07777777), Math.Min(entry.Gid, 07777777),
            Truncate(entry.Uname, 32), Truncate(entry.Gname, 32), Math.Min(size, 077777777777L), entry.ModTime,
            Truncate(entry.LinkName, 100), entry.DevMajor, entry.DevMinor);
        if (size > 0)
        {
            if (data is null) throw new ArgumentException($"tar entry {name} needs {size} bytes of data");
            var buf = new byte[1 << 16];
            var left = size;
            while (left > 0)
            {
                var n = data.Read(buf, 0, (int)Math.Min(buf.Length, left));
                if (n == 0) throw new IOException($"{name}: file shrank while archiving ({left} bytes missing)");
                stream.Write(buf, 0, n);
                left -= n;
            }
            Pad(size);
        }
    }

    /// <summary>Writes the two zero blocks that end an archive.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        stream.Write(Zeros);
        stream.Flush();
    }

    public void Dispose() => Finish();

    private void WriteHeader(string name, string prefix, char type, uint mode, long uid, long gid, string uname, string gname,
        long size, DateTimeOffset mtime, string link, uint major, uint minor)
    {
        var h = new byte[Block];
        Put(h, 0, 100, name);
        Octal(h, 100, 8, mode & 0xFFF);
        Octal(h, 108, 8, uid);
        Octal(h, 116, 8, gid);
        Octal(h, 124, 12, size);
        Octal(h, 136, 12, Math.Max(0, mtime.ToUnixTimeSeconds()));
        h[156] = (byte)type;
        Put(h, 157, 100, link);
        Encoding.ASCII.GetBytes("ustar\0").CopyTo(h, 257);
        h[263] = (byte)'0'; h[264] = (byte)'0';
        Put(h, 265, 32, uname);
        Put(h, 297, 32, gname);
        Octal(h, 329, 8, major);
        Octal(h, 337, 8, minor);
        Put(h, 345, 155, prefix);
        for (var i = 148; i < 156; i++) h[i] = (byte)' ';
        long sum = 0;
        foreach (var b in h) sum += b;
        var chk = Convert.ToString(sum, 8).PadLeft(6, '0');
        Encoding.ASCII.GetBytes(chk).CopyTo(h, 148);
        h[154] = 0; h[155] = (byte)' ';
        stream.Write(h);
    }

    private void Pad(long size)
    {
        var pad = (int)((Block - size % Block) % Block);
        if (pad > 0) stream.Write(Zeros, 0, pad);
    }

    /// <summary>Fits a path into ustar's name (100) + prefix (155), or returns null when PAX is needed.</summary>
    private static (string? Name, string? Prefix) SplitName(string path)
    {
        if (!IsAscii(path)) return (null, null);
        if (path.Length <= 100) return (path, "");
        for (var i = path.Length - 1; i > 0; i--)
        {
            if (path[i] != '/') continue;
            var prefix = path[..i];
            var rest = path[(i + 1)..];
            if (prefix.Length <= 155 && rest.Length is > 0 and <= 100) return (rest, prefix);
            if (prefix.Length > 155) continue;
            break;
        }
        return (null, null);
    }

    private static byte[] PaxBody(List<(string Key, byte[] Value)> records)
    {
        var ms = new MemoryStream();
        foreach (var (key, value) in records)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(key);
            var baseLen = keyBytes + value.Length + 3;   // ' ' '=' '\n'
            var len = baseLen + baseLen.ToString().Length;
            if (len.ToString().Length + baseLen != len) len = baseLen + len.ToString().Length;
            ms.Write(Encoding.ASCII.GetBytes($"{len} {key}="));
            ms.Write(value);
            ms.WriteByte((byte)'\n');
        }
        return ms.ToArray();
    }

    private static void Put(byte[] h, int offset, int length, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Array.Copy(bytes, 0, h, offset, Math.Min(bytes.Length, length));
    }

    private static void Octal(byte[] h, int offset, int length, long value)
    {
        var s = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        Encoding.ASCII.GetBytes(s).CopyTo(h, offset);
        h[offset + length - 1] = 0;
    }

    private static byte[] Ascii(long v) => Encoding.ASCII.GetBytes(v.ToString());
    private static bool IsAscii(string s) => s.All(c => c is > '\0' and < (char)0x80);
    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
