using System.Text;
using System.Text.Json;
using Berth.Templates;

namespace Berth.Shell.Client;

/// <summary>
/// Query parameters encoded like Go's url.Values.Encode (what the docker CLI sends): keys sorted, values in
/// insertion order, space as '+', booleans as 1/0, filters as JSON map[string]map[string]bool.
/// </summary>
public sealed class QueryString
{
    private readonly SortedDictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    /// <summary>Adds a value (repeatable keys such as "t" or "names" keep every value).</summary>
    public QueryString Add(string key, string value)
    {
        if (!_values.TryGetValue(key, out var list)) _values[key] = list = [];
        list.Add(value);
        return this;
    }

    /// <summary>Adds key=value only when the value is non-empty (the CLI omits empty options).</summary>
    public QueryString AddIfNotEmpty(string key, string? value) => string.IsNullOrEmpty(value) ? this : Add(key, value);

    /// <summary>Adds key=1 when the flag is set and nothing otherwise (docker's usual `if opt { query.Set(k, "1") }`).</summary>
    public QueryString Flag(string key, bool set) => set ? Add(key, "1") : this;

    /// <summary>Always adds the boolean, as 1 or 0.</summary>
    public QueryString Bool(string key, bool value) => Add(key, value ? "1" : "0");

    /// <summary>Adds "filters" as JSON when any filter is present.</summary>
    public QueryString Filters(Filters? filters) => filters is { IsEmpty: false } ? Add("filters", filters.ToJson()) : this;

    public bool IsEmpty => _values.Count == 0;

    /// <summary>The encoded query without the leading '?'.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (key, list) in _values)
            foreach (var v in list)
            {
                if (sb.Length > 0) sb.Append('&');
                sb.Append(GoText.QueryEscape(key)).Append('=').Append(GoText.QueryEscape(v));
            }
        return sb.ToString();
    }
}

/// <summary>docker's filters.Args: key → set of values, encoded as {"key":{"value":true}} with keys sorted.</summary>
public sealed class Filters
{
    private readonly SortedDictionary<string, SortedSet<string>> _args = new(StringComparer.Ordinal);

    public Filters Add(string key, string value)
    {
        if (!_args.TryGetValue(key, out var set)) _args[key] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.Add(value);
        return this;
    }

    /// <summary>Parses a --filter flag value "key=value" (docker splits at the first '=').</summary>
    public Filters AddFlag(string flag)
    {
        var eq = flag.IndexOf('=');
        if (eq <= 0) throw new FormatException($"bad format of filter (expected name=value)");
        return Add(flag[..eq].Trim().ToLowerInvariant(), flag[(eq + 1)..].Trim());
    }

    public bool IsEmpty => _args.Count == 0;

    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            foreach (var (key, values) in _args)
            {
                w.WriteStartObject(key);
                foreach (var v in values) w.WriteBoolean(v, true);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
