using System.Text.Json;
using Berth.Templates;

namespace Berth.Shell.Formatting;

/// <summary>One `history` row as docker's historyContext shows it.</summary>
public sealed class HistoryRow(JsonElement item, bool truncate, bool human, DateTimeOffset now) : IHtmlEscapedJson
{
    public const string DefaultTable = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";

    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["ID"] = "IMAGE", ["CreatedSince"] = "CREATED", ["CreatedAt"] = "CREATED AT", ["CreatedBy"] = "CREATED BY",
        ["Size"] = "SIZE", ["Comment"] = "COMMENT",
    };

    private string S(string k) => item.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
    private long L(string k) => item.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    public string ID => S("Id") is "<missing>" or "" ? "<missing>" : truncate ? DisplayText.ShortId(S("Id")) : S("Id");
    public string CreatedSince => human ? HumanUnits.Ago(L("Created"), now) : HumanUnits.GoTime(L("Created"));
    public string CreatedAt => HumanUnits.GoTime(L("Created"));
    public string CreatedBy
    {
        get
        {
            var by = S("CreatedBy").Replace("\t", " ");
            return truncate ? DisplayText.Ellipsis(by, 45) : by;
        }
    }
    public string Size => human ? HumanUnits.Size(L("Size"), 3) : L("Size").ToString();
    public string Comment => S("Comment");
}
