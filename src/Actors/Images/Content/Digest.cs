using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Actors.Images.Content;

/// <summary>A content digest "algorithm:hex" (sha256 or sha512, lower-case hex), validated on construction.</summary>
[JsonConverter(typeof(DigestJsonConverter))]
public readonly record struct Digest
{
    public string Algorithm { get; }
    public string Hex { get; }

    private Digest(string algorithm, string hex) { Algorithm = algorithm; Hex = hex; }

    public static Digest Parse(string text) =>
        TryParse(text, out var d) ? d : throw new FormatException($"invalid digest \"{text}\": want sha256:<64 hex> or sha512:<128 hex>");

    public static bool TryParse(string? text, out Digest digest)
    {
        digest = default;
        if (string.IsNullOrEmpty(text)) return false;
        var colon = text.IndexOf(':');
        if (colon <= 0) return false;
        var alg = text[..colon];
        var hex = text[(colon + 1)..];
        var want = alg switch { "sha256" => 64, "sha512" => 128, _ => -1 };
        if (want < 0 || hex.Length != want || !IsLowerHex(hex)) return false;
        digest = new Digest(alg, hex);
        return true;
    }

    /// <summary>A sha256 digest from its bare 64-character hex form.</summary>
    public static Digest Sha256(string hex) => Parse("sha256:" + hex);

    public static Digest Of(ReadOnlySpan<byte> data, string algorithm = "sha256") =>
        new(algorithm, Convert.ToHexStringLower(algorithm == "sha512" ? SHA512.HashData(data) : SHA256.HashData(data)));

    public static Digest FromHash(string algorithm, byte[] hash) => new(algorithm, Convert.ToHexStringLower(hash));

    public static HashAlgorithmName HashName(string algorithm) => algorithm switch
    {
        "sha256" => HashAlgorithmName.SHA256,
        "sha512" => HashAlgorithmName.SHA512,
        _ => throw new NotSupportedException($"unsupported digest algorithm {algorithm}"),
    };

    public bool IsEmpty => Algorithm is null;

    /// <summary>The 12-character prefix docker prints (e.g. in conflict messages).</summary>
    public string Short => Hex[..12];

    public override string ToString() => IsEmpty ? "" : $"{Algorithm}:{Hex}";

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s)
            if (!(c is >= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        return true;
    }
}

internal sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Digest.Parse(reader.GetString() ?? throw new JsonException("digest must be a string"));

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

/// <summary>Hashes a stream as it passes through, so a digest is known once the bytes are consumed.</summary>
public sealed class DigestingStream(Stream inner, string algorithm = "sha256", bool leaveOpen = false) : ForwardOnlyReadStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(Digest.HashName(algorithm));
    private Digest? _digest;

    public long BytesRead { get; private set; }

    /// <summary>The digest of everything read so far; call once the stream is exhausted.</summary>
    public Digest Digest => _digest ??= Digest.FromHash(algorithm, _hash.GetHashAndReset());


    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        _hash.AppendData(buffer[..n]);
        BytesRead += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        _hash.AppendData(buffer.Span[..n]);
        BytesRead += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    /// <summary>Reads to the end so the digest covers the whole stream (tar readers stop at the end marker).</summary>
    public void Drain()
    {
        var buf = new byte[81920];
        while (Read(buf) > 0) { }
    }

    protected override long ReadPosition => BytesRead;

    protected override void Dispose(bool disposing)
    {
        if (disposing) { _hash.Dispose(); if (!leaveOpen) inner.Dispose(); }
        base.Dispose(disposing);
    }
}
