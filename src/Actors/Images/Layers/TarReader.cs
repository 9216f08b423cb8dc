using Berth.Actors.Images.Content;
using System.Text;

namespace Berth.Actors.Images.Layers;

/// <summary>
/// A streaming tar reader for ustar, PAX (path, linkpath, size, uid, gid, mtime, SCHILY.xattr.*) and GNU long names.
/// Written here rather than System.Formats.Tar because that one decodes PAX values as UTF-8 text, which corrupts
/// binary xattrs such as security.capability. Truncated input is an <see cref="InvalidDataException"/>.
/// </summary>
public sealed class TarReader(Stream stream)
{
    private const int Block = 512;
    private readonly byte[] _header = new byte[Block];
    private long _remaining;       // unread data bytes of the current entry
    private long _padding;         // padding after the current entry's data
    private Dictionary<string, byte[]> _global = new(StringComparer.Ordinal);

    /// <summary>The current entry's data; reading past it is impossible, and what is not read is skipped by <see cref="Next"/>.</summary>
    public Stream Data { get; private set; } = Stream.Null;

    /// <summary>The next entry, or null at the end of the archive.</summary>
    public TarEntry? Next()
    {
        Skip(_remaining + _padding);
        _remaining = _padding = 0;
        Dictionary<string, byte[]>? pax = null;
        string? longName = null, longLink = null;
        while (true)
        {
            if (!ReadHeaderBlock()) return null;
            var type = (char)_header[156];
            var size = ParseNumber(_header.AsSpan(124, 12), "size");
            switch (type)
            {
                case 'x':
                    pax = ParsePax(ReadPayload(size));
                    continue;
                case 'g':
                    foreach (var (k, v) in ParsePax(ReadPayload(size))) _global[k] = v;
                    continue;
                case 'L':
                    longName = CString(ReadPayload(size));
                    continue;
                case 'K':
                    longLink = CString(ReadPayload(size));
                    continue;
            }
            var entry = BuildEntry(type, size, pax, longName, longLink);
            _remaining = entry.Type == TarEntryType.Regular ? entry.Size : 0;
            _padding = entry.Type == TarEntryType.Regular ? (Block - entry.Size % Block) % Block : 0;
            // Non-regular entries may still declare a size (e.g. hardlinks from some writers); skip it.
            if (entry.Type != TarEntryType.Regular && entry.Size > 0) { Skip(Round(entry.Size)); entry.Size = 0; }
            Data = new EntryStream(this);
            return entry;
        }
    }

    private TarEntry BuildEntry(char type, long size, Dictionary<string, byte[]>? local, string? longName, string? longLink)
    {
        var pax = new Dictionary<string, byte[]>(_global, StringComparer.Ordinal);
        if (local != null) foreach (var (k, v) in local) pax[k] = v;
        var magic = Encoding.ASCII.GetString(_header, 257, 6);
        var name = CString(_header.AsSpan(0, 100));
        if (magic == "ustar\0")
        {
            var prefix = CString(_header.AsSpan(345, 155));
            if (prefix.Length > 0) name = prefix + "/" + name;
        }
        var entry = new TarEntry
        {
            Name = longName ?? name,
            Type = type switch
            {
                '0' or '\0' or '7' => TarEntryType.Regular,
                '1' => TarEntryType.Hardlink,
                '2' => TarEntryType.Symlink,
                '3' => TarEntryType.CharDevice,
                '4' => TarEntryType.BlockDevice,
                '5' => TarEntryType.Directory,
                '6' => TarEntryType.Fifo,
                _ => throw new InvalidDataException($"tar entry \"{longName ?? name}\" has unsupported type '{type}'"),
            },
            Mode = (uint)(ParseNumber(_header.AsSpan(100, 8), "mode") & 0xFFF),
            Uid = ParseNumber(_header.AsSpan(108, 8), "uid"),
            Gid = ParseNumber(_header.AsSpan(116, 8), "gid"),
            Size = size,
            ModTime = DateTimeOffset.FromUnixTimeSeconds(ParseNumber(_header.AsSpan(136, 12), "mtime")),
            LinkName = longLink ?? CString(_header.AsSpan(157, 100)),
            Uname = CString(_header.AsSpan(265, 32)),
            Gname = CString(_header.AsSpan(297, 32)),
        };
        if (entry.Type is TarEntryType.CharDevice or TarEntryType.BlockDevice)
        {
            entry.DevMajor = (uint)ParseNumber(_header.AsSpan(329, 8), "devmajor");
            entry.DevMinor = (uint)ParseNumber(_header.AsSpan(337, 8), "devminor");
        }
        foreach (var (key, value) in pax)
        {
            switch (key)
            {
                case "path": entry.Name = Encoding.UTF8.GetString(value); break;
                case "linkpath": entry.LinkName = Encoding.UTF8.GetString(value); break;
                case "size": entry.Size = long.Parse(Encoding.ASCII.GetString(value)); break;
                case "uid": entry.Uid = long.Parse(Encoding.ASCII.GetString(value)); break;
                case "gid": entry.Gid = long.Parse(Encoding.ASCII.GetString(value)); break;
                case "uname": entry.Uname = Encoding.UTF8.GetString(value); break;
                case "gname": entry.Gname = Encoding.UTF8.GetString(value); break;
                case "mtime": entry.ModTime = ParsePaxTime(Encoding.ASCII.GetString(value)); break;
                default:
                    if (key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal)) entry.Xattrs[key["SCHILY.xattr.".Length..]] = value;
                    else if (key.StartsWith("GNU.sparse.", StringComparison.Ordinal))
                        throw new InvalidDataException($"tar entry \"{entry.Name}\" is a sparse file, which layers do not support");
                    break;
            }
        }
        if (entry.Size < 0) throw new InvalidDataException($"tar entry \"{entry.Name}\" has a negative size");
        return entry;
    }

    private bool ReadHeaderBlock()
    {
        var got = ReadFull(_header);
        if (got == 0) return false;                               // end without trailer: accepted, as Go's reader does
        if (got < Block) throw new InvalidDataException("tar archive is truncated (partial header)");
        if (_header.AsSpan().IndexOfAnyExcept((byte)0) < 0) return false;   // end-of-archive marker
        VerifyChecksum();
        return true;
    }

    private void VerifyChecksum()
    {
        var stored = ParseNumber(_header.AsSpan(148, 8), "checksum");
        long unsigned = 0, signed = 0;
        for (var i = 0; i < Block; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : _header[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        if (stored != unsigned && stored != signed)
            throw new InvalidDataException("tar header checksum mismatch: the archive is corrupt or not a tar");
    }

    private byte[] ReadPayload(long size)
    {
        if (size > 16 << 20) throw new InvalidDataException($"tar extension header of {size} bytes is too large");
        var data = new byte[size];
        if (ReadFull(data) < size) throw new InvalidDataException("tar archive is truncated (extension header)");
        Skip((Block - size % Block) % Block);
        return data;
    }

    private static Dictionary<string, byte[]> ParsePax(byte[] data)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var pos = 0;
        while (pos < data.Length)
        {
            var space = Array.IndexOf(data, (byte)' ', pos);
            if (space < 0) throw new InvalidDataException("malformed PAX record");
            var length = int.Parse(Encoding.ASCII.GetString(data, pos, space - pos));
            if (length <= 0 || pos + length > data.Length || data[pos + length - 1] != '\n') throw new InvalidDataException("malformed PAX record length");
            var record = data.AsSpan(space + 1, pos + length - 1 - (space + 1));
            var eq = record.IndexOf((byte)'=');
            if (eq < 0) throw new InvalidDataException("malformed PAX record (no '=')");
            result[Encoding.UTF8.GetString(record[..eq])] = record[(eq + 1)..].ToArray();
            pos += length;
        }
        return result;
    }

    private static DateTimeOffset ParsePaxTime(string s)
    {
        var dot = s.IndexOf('.');
        var seconds = long.Parse(dot < 0 ? s : s[..dot]);
        var t = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (dot < 0) return t;
        var frac = (s[(dot + 1)..] + "0000000")[..7];      // 100ns ticks
        var ticks = long.Parse(frac);
        return seconds < 0 ? t.AddTicks(-ticks) : t.AddTicks(ticks);
    }

    private static long ParseNumber(ReadOnlySpan<byte> field, string what)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            // GNU base-256: big-endian two's complement with the marker bit masked out.
            long v = (field[0] & 0x40) != 0 ? -1 : 0;
            v = (v << 8) | (byte)(field[0] & 0x7f);
            for (var i = 1; i < field.Length; i++) v = (v << 8) | field[i];
            return v;
        }
        long n = 0;
        var seen = false;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0) { if (seen) break; continue; }
            if (b is < (byte)'0' or > (byte)'7') throw new InvalidDataException($"tar header field {what} is not octal: the archive is corrupt");
            n = n * 8 + (b - '0');
            seen = true;
        }
        return n;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? field : field[..nul]);
    }

    private static long Round(long size) => (size + Block - 1) / Block * Block;

    private int ReadFull(Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private void Skip(long count)
    {
        if (count <= 0) return;
        var buf = new byte[(int)Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            var n = stream.Read(buf, 0, (int)Math.Min(buf.Length, count));
            if (n == 0) throw new InvalidDataException("tar archive is truncated (entry data)");
            count -= n;
        }
    }

    private int ReadData(Span<byte> buffer)
    {
        if (_remaining == 0) return 0;
        var want = (int)Math.Min(buffer.Length, _remaining);
        var n = stream.Read(buffer[..want]);
        if (n == 0) throw new InvalidDataException("tar archive is truncated (entry data)");
        _remaining -= n;
        return n;
    }

    private sealed class EntryStream(TarReader reader) : ForwardOnlyReadStream
    {
        public override int Read(byte[] buffer, int offset, int count) => reader.ReadData(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer) => reader.ReadData(buffer);
    }
}
