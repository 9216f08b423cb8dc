using System.Text.Json;

namespace Berth.Host.Api;

/// <summary>
/// The one reader of JSON request bodies. It buffers at most <see cref="MaxBytes"/> (a body announced larger is refused
/// before it is read), parses the buffer in place and decodes it with <see cref="WireDecoder"/>: one copy of the body,
/// then the strings of the record. An endpoint that reads a body declares its type with <see cref="TakesJson{T}"/>, so
/// the endpoint map lists every JSON body the API accepts.
/// </summary>
public static class JsonBody
{
    /// <summary>Generous (dockerd sets no cap): a create with a 50 MB label fits, a runaway body does not.</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    private const int FirstChunk = 16 * 1024;

    /// <summary>Declares the endpoint's JSON body type (and its name in docker's messages).</summary>
    public static RouteHandlerBuilder TakesJson<T>(this RouteHandlerBuilder endpoint, string goType) where T : class =>
        endpoint.WithMetadata(new JsonBodyMetadata(typeof(T), goType));

    /// <summary>The body as <typeparamref name="T"/>; null for an empty body or a JSON null.</summary>
    public static async Task<T?> Read<T>(HttpContext ctx) where T : class
    {
        var declared = ctx.GetEndpoint()?.Metadata.GetMetadata<JsonBodyMetadata>();
        if (declared?.Type != typeof(T))
            throw new InvalidOperationException($"{ctx.Request.Path} reads a {typeof(T).Name} body without declaring it with {nameof(TakesJson)}");
        var bytes = await Bytes(ctx);
        if (bytes.Length == 0) return null;
        using var doc = Parse(bytes);
        return WireDecoder.Decode<T>(doc.RootElement, declared.GoType);
    }

    /// <summary>Parses without copying: the document reads <paramref name="bytes"/> in place.</summary>
    private static JsonDocument Parse(ReadOnlyMemory<byte> bytes)
    {
        try { return JsonDocument.Parse(bytes); }
        catch (JsonException e) { throw ApiException.BadRequest($"invalid JSON: {e.Message}"); }
    }

    /// <summary>The body's bytes, or for a hijack request the body <see cref="Hosting.UpgradeWithBody"/> moved into a header.</summary>
    private static async Task<ReadOnlyMemory<byte>> Bytes(HttpContext ctx)
    {
        if (ctx.Request.Headers[Hosting.UpgradeWithBody.BodyHeader] is [{ } moved])
        {
            try { return Convert.FromBase64String(moved); }
            catch (FormatException) { throw ApiException.BadRequest($"invalid {Hosting.UpgradeWithBody.BodyHeader} header"); }
        }
        var announced = ctx.Request.ContentLength;
        if (announced > MaxBytes) throw TooLarge();
        var body = ctx.Request.Body;
        // A known length is read into one exact buffer; a chunked body grows by doubling, never past the cap.
        var buffer = new byte[announced is { } n ? (int)n : FirstChunk];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (announced != null) break; // Kestrel ends the body at its Content-Length
                if (buffer.Length == MaxBytes)
                {
                    if (await body.ReadAsync(new byte[1], ctx.RequestAborted) > 0) throw TooLarge();
                    break;
                }
                var grown = new byte[Math.Min(buffer.Length * 2, MaxBytes)];
                buffer.AsSpan().CopyTo(grown);
                buffer = grown;
            }
            var read = await body.ReadAsync(buffer.AsMemory(filled), ctx.RequestAborted);
            if (read == 0) break;
            filled += read;
        }
        return buffer.AsMemory(0, filled);
    }

    private static ApiException TooLarge() =>
        new(413, $"request body is too large: berthd accepts JSON bodies of up to {MaxBytes / (1024 * 1024)} MiB");
}

/// <summary>Endpoint metadata: the record a POST body is decoded into, and docker's name for it.</summary>
public sealed record JsonBodyMetadata(Type Type, string GoType);
