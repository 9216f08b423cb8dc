using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Host.Api;

/// <summary>JSON exactly as dockerd writes it: property names as declared, Content-Type without charset, trailing newline.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = null,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new SortedStringMapConverter() },
    };

    /// <summary>The exact header value the docker client compares with before it parses an error body.</summary>
    public const string ContentType = "application/json";

    public static async Task Write(HttpContext ctx, int status, object? body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = ContentType;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body?.GetType() ?? typeof(object), Options);
        ctx.Response.ContentLength = bytes.Length + 1;
        await ctx.Response.Body.WriteAsync(bytes);
        await ctx.Response.Body.WriteAsync("\n"u8.ToArray());
    }

    public static Task WriteError(HttpContext ctx, int status, string message) =>
        Write(ctx, status, new ErrorBody(message));

    /// <summary>The one error shape of the Engine API.</summary>
    public sealed record ErrorBody([property: JsonPropertyName("message")] string Message);
}

/// <summary>A minimal-API result that writes JSON the way <see cref="ApiJson"/> does.</summary>
public sealed class JsonReply(object? body, int status = 200) : IResult
{
    public Task ExecuteAsync(HttpContext ctx) => ApiJson.Write(ctx, status, body);
}

/// <summary>A bodiless status (204, 201 without body, 304).</summary>
public sealed class StatusReply(int status) : IResult
{
    public Task ExecuteAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = status;
        if (status is 204 or 304) return Task.CompletedTask;
        ctx.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}

/// <summary>
/// Go writes map keys sorted; clients print label maps in the order they arrive ({{json .Config.Labels}}), so string
/// maps go out sorted here too. Structs (like /info) keep their declared order: only string-to-string maps sort.
/// </summary>
public sealed class SortedStringMapConverter : JsonConverterFactory
{
    public override bool CanConvert(Type t) =>
        typeof(IEnumerable<KeyValuePair<string, string>>).IsAssignableFrom(t) && t != typeof(string) &&
        (t.IsInterface || t.GetConstructor(Type.EmptyTypes) != null);

    public override JsonConverter CreateConverter(Type t, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(t))!;

    private sealed class Converter<T> : JsonConverter<T> where T : IEnumerable<KeyValuePair<string, string>>
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var map = JsonSerializer.Deserialize<Dictionary<string, string>>(ref reader);
            if (map == null) return default;
            if (typeToConvert.IsAssignableFrom(typeof(Dictionary<string, string>))) return (T)(object)map;
            var target = (IDictionary<string, string>)Activator.CreateInstance(typeToConvert)!;
            foreach (var (k, v) in map) target[k] = v;
            return (T)target;
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (k, v) in value.OrderBy(kv => kv.Key, StringComparer.Ordinal)) writer.WriteString(k, v);
            writer.WriteEndObject();
        }
    }
}
