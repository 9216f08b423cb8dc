using System.Text;
using Berth.Templates;

namespace Berth.Shell.Formatting;

/// <summary>
/// docker's --format handling (formatter.Context): "table …" prints a header row and aligns columns with
/// tabwriter(minwidth 10, padding 3); "json" means {{json .}}; literal "\t" and "\n" become tab and newline;
/// every row is followed by a newline; nothing is printed when any row fails.
/// </summary>
public sealed class OutputFormat
{
    private const string TableKey = "table";

    private readonly GoTemplate _template;

    /// <summary>The format string as the user gave it.</summary>
    public string Source { get; }

    /// <summary>True when the format starts with "table": a header row and aligned columns.</summary>
    public bool IsTable { get; }

    private OutputFormat(string source, bool isTable, GoTemplate template)
    {
        Source = source;
        IsTable = isTable;
        _template = template;
    }

    /// <summary>
    /// Parses a --format value; throws TemplateException("template parsing error: …") like docker's formatter.
    /// (docker ps pre-parses its format and says "failed to parse template: …": pass that as <paramref name="errorPrefix"/>.)
    /// </summary>
    public static OutputFormat Parse(string format, string errorPrefix = "template parsing error")
    {
        var isTable = format.StartsWith(TableKey, StringComparison.Ordinal);
        var text = isTable ? format[TableKey.Length..] : format == "json" ? "{{json .}}" : format;
        text = text.Trim(' ').Replace("\\t", "\t").Replace("\\n", "\n");
        try
        {
            return new OutputFormat(format, isTable, GoTemplate.Parse(text));
        }
        catch (TemplateException e)
        {
            throw new TemplateException(errorPrefix + ": " + e.Message);
        }
    }

    /// <summary>
    /// docker's NewXxxFormat choice for list commands: no format or "table" → the command's default table
    /// ("{{.ID}}" with -q); "raw" → the command's raw layout when it has one; anything else is used as given
    /// ("{{.ID}}" with -q).
    /// </summary>
    public static string ForListing(string? format, string defaultTable, bool quiet, string? raw = null)
    {
        if (string.IsNullOrEmpty(format) || format == TableKey) return quiet ? "{{.ID}}" : defaultTable;
        if (format == "raw" && raw != null) return quiet ? "{{.ID}}" : raw;
        return quiet ? "{{.ID}}" : format;
    }

    /// <summary>True when the template mentions <paramref name="field"/> (docker adds size=1 when a ps format uses .Size).</summary>
    public bool Mentions(string field) => Source.Contains("." + field, StringComparison.Ordinal);

    /// <summary>
    /// Renders rows to a string. <paramref name="headers"/> maps field names to column titles (see DockerHeaders);
    /// it is only used for table formats.
    /// </summary>
    public string Render(IEnumerable<object?> rows, IReadOnlyDictionary<string, string>? headers = null)
    {
        var body = new StringBuilder();
        foreach (var row in rows)
        {
            try { body.Append(_template.Execute(row)); }
            catch (TemplateException e) { throw new TemplateException("template parsing error: " + e.Message); }
            body.Append('\n');
        }
        if (!IsTable) return body.ToString();

        string header;
        try { header = _template.ExecuteHeader(headers ?? new Dictionary<string, string>()); }
        catch (TemplateException) { header = ""; } // docker ignores header errors and prints what it has
        return new TabWriter(minWidth: 10, padding: 3).Format(header + "\n" + body);
    }

    /// <summary>Renders and writes rows to <paramref name="output"/>.</summary>
    public void Write(TextWriter output, IEnumerable<object?> rows, IReadOnlyDictionary<string, string>? headers = null) =>
        output.Write(Render(rows, headers));
}
