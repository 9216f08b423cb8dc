using System.Buffers.Binary;
using System.Text;

namespace Berth.Runtime.Plan;

/// <summary>
/// Encodes the init plan: magic "BRTH", then ops as u32 code, u32 length, payload. Payload
/// fields are little-endian u32/u64, strings as u32 length + UTF-8 + NUL, string lists as u32
/// count + strings.
/// </summary>
public sealed class PlanWriter
{
    private readonly MemoryStream _out = new();
    private readonly MemoryStream _op = new();
    private readonly List<PlanOp> _ops = [];

    public PlanWriter() => U32(_out, 0x48545242);

    /// <summary>The op codes written so far, in order (for tests and --debug).</summary>
    public IReadOnlyList<PlanOp> Ops => _ops;

    public PlanWriter Op(PlanOp op, Action<PlanWriter>? payload = null)
    {
        _op.SetLength(0);
        payload?.Invoke(this);
        U32(_out, (uint)op);
        U32(_out, (uint)_op.Length);
        _op.WriteTo(_out);
        _ops.Add(op);
        return this;
    }

    public PlanWriter U32(uint v) { U32(_op, v); return this; }

    public PlanWriter U64(ulong v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        _op.Write(b);
        return this;
    }

    public PlanWriter Str(string s)
    {
        if (s.Contains('\0')) throw new ArgumentException($"string contains NUL: {s}");
        var bytes = Encoding.UTF8.GetBytes(s);
        U32(_op, (uint)bytes.Length);
        _op.Write(bytes);
        _op.WriteByte(0);
        return this;
    }

    public PlanWriter Strs(IReadOnlyCollection<string> list)
    {
        U32(_op, (uint)list.Count);
        foreach (var s in list) Str(s);
        return this;
    }

    public PlanWriter Bytes(ReadOnlySpan<byte> data)
    {
        U32(_op, (uint)data.Length);
        _op.Write(data);
        return this;
    }

    public byte[] ToArray() => _out.ToArray();

    private static void U32(Stream s, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        s.Write(b);
    }
}
