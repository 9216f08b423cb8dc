using System.Globalization;
using System.Text.Json;
using Berth.Templates;

namespace Berth.Shell.Formatting;

/// <summary>
/// One `ps` row as docker's ContainerContext shows it, built from a /containers/json entry. Properties are
/// declared in alphabetical order so {{json .}} matches docker's (sorted) output.
/// </summary>
public sealed class ContainerRow : IHtmlEscapedJson
{
    /// <summary>docker ps's default table; with --size docker appends "\t{{.Size}}".</summary>
    public const string DefaultTable = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

    private readonly JsonElement _c;
    private readonly bool _trunc;
    private readonly DateTimeOffset _now;

    public ContainerRow(JsonElement summary, bool truncate, DateTimeOffset now)
    {
        _c = summary;
        _trunc = truncate;
        _now = now;
    }

    private string Str(string name) => _c.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
    private long Num(string name) => _c.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    public string Command => DisplayText.Command(Str("Command"), _trunc);

    public string CreatedAt => HumanUnits.GoTime(Num("Created"));

    public string ID => _trunc ? DisplayText.ShortId(Str("Id")) : Str("Id");

    public string Image
    {
        get
        {
            var image = Str("Image");
            if (image.Length == 0) return "<no image>";
            if (!_trunc) return image;
            var shortImageId = DisplayText.ShortId(Str("ImageID"));
            return shortImageId == DisplayText.ShortId(image) ? shortImageId : image;
        }
    }

    public string Labels => string.Join(",", LabelPairs().Select(p => p.Key + "=" + p.Value).OrderBy(s => s, StringComparer.Ordinal));

    public string LocalVolumes => Mounts_().Count(m => m.TryGetProperty("Driver", out var d) && d.GetString() == "local").ToString(CultureInfo.InvariantCulture);

    public string Mounts => string.Join(",", Mounts_().Select(m =>
    {
        var name = m.TryGetProperty("Name", out var n) && n.GetString() is { Length: > 0 } s ? s : m.TryGetProperty("Source", out var src) ? src.GetString() ?? "" : "";
        return _trunc ? DisplayText.Ellipsis(name, 15) : name;
    }));

    public string Names
    {
        get
        {
            var names = _c.TryGetProperty("Names", out var n) && n.ValueKind == JsonValueKind.Array
                ? n.EnumerateArray().Select(x => (x.GetString() ?? "").TrimStart('/')).ToList() : [];
            if (_trunc) return names.FirstOrDefault(x => !x.Contains('/')) ?? "";
            return string.Join(",", names);
        }
    }

    public string Networks => _c.TryGetProperty("NetworkSettings", out var ns) && ns.ValueKind == JsonValueKind.Object &&
        ns.TryGetProperty("Networks", out var nets) && nets.ValueKind == JsonValueKind.Object
        ? string.Join(",", nets.EnumerateObject().Select(p => p.Name)) : "";

    /// <summary>The image platform; the API at 1.41 does not report it, so it is nil as in docker.</summary>
    public object? Platform => null;

    public string Ports => PortsText.Display(_c.TryGetProperty("Ports", out var ports) && ports.ValueKind == JsonValueKind.Array
        ? ports.EnumerateArray().Select(p => new PortSummary(
            p.TryGetProperty("IP", out var ip) ? ip.GetString() : null,
            p.TryGetProperty("PrivatePort", out var pp) ? pp.GetInt32() : 0,
            p.TryGetProperty("PublicPort", out var pub) ? pub.GetInt32() : 0,
            p.TryGetProperty("Type", out var t) ? t.GetString() ?? "" : ""))
        : []);

    public string RunningFor => HumanUnits.Ago(Num("Created"), _now);

    public string Size
    {
        get
        {
            var rw = HumanUnits.ListingSize(Num("SizeRw"));
            var rootFs = Num("SizeRootFs");
            return rootFs > 0 ? $"{rw} (virtual {HumanUnits.ListingSize(rootFs)})" : rw;
        }
    }

    public string State => Str("State");

    public string Status => Str("Status");

    /// <summary>{{.Label "key"}}: one label's value, or "".</summary>
    public string Label(string name) => LabelPairs().FirstOrDefault(p => p.Key == name).Value ?? "";

    private IEnumerable<KeyValuePair<string, string>> LabelPairs() =>
        _c.TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object
            ? l.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString() ?? "")) : [];

    private IEnumerable<JsonElement> Mounts_() =>
        _c.TryGetProperty("Mounts", out var m) && m.ValueKind == JsonValueKind.Array ? m.EnumerateArray() : [];
}
