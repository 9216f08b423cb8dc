using System.Globalization;
using System.Text.Json;
using Berth.Templates;

namespace Berth.Shell.Formatting;

/// <summary>
/// One `images` row as docker's imageContext shows it. An image expands to one row per repository tag (per digest
/// with --digests), "&lt;none&gt;" rows for dangling images; properties are alphabetical for {{json .}}.
/// </summary>
public sealed class ImageRow : IHtmlEscapedJson
{
    /// <summary>docker's default `images` table, and the one with --digests.</summary>
    public const string DefaultTable = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";
    public const string DefaultTableWithDigest = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}";

    private readonly JsonElement _i;
    private readonly bool _trunc;
    private readonly DateTimeOffset _now;
    private readonly string _repo, _tag, _digest;

    private ImageRow(JsonElement summary, bool trunc, DateTimeOffset now, string repo, string tag, string digest)
    {
        _i = summary;
        _trunc = trunc;
        _now = now;
        _repo = repo;
        _tag = tag;
        _digest = digest;
    }

    /// <summary>
    /// The rows for one /images/json entry. <paramref name="showDigests"/> is --digests; <paramref name="formatUsesDigest"/>
    /// is whether the format mentions {{.Digest}} (docker then also pairs tags with digests).
    /// </summary>
    public static IEnumerable<ImageRow> Expand(JsonElement summary, bool truncate, bool showDigests, bool formatUsesDigest, DateTimeOffset now)
    {
        var tags = Strings(summary, "RepoTags");
        var digests = Strings(summary, "RepoDigests");
        if ((tags.Count == 0 && digests.Count == 0) ||
            (tags is ["<none>:<none>"] && digests is ["<none>@<none>"]))
        {
            yield return new ImageRow(summary, truncate, now, "<none>", "<none>", "<none>");
            yield break;
        }
        var repoTags = new List<(string Repo, List<string> Tags)>();
        foreach (var t in tags)
        {
            if (SplitTag(t) is not { } rt) continue;
            var entry = repoTags.FirstOrDefault(x => x.Repo == rt.Repo);
            if (entry.Repo == null) repoTags.Add(entry = (rt.Repo, []));
            entry.Tags.Add(rt.Tag);
        }
        var repoDigests = new List<(string Repo, List<string> Digests)>();
        foreach (var d in digests)
        {
            var at = d.IndexOf('@');
            if (at <= 0) continue;
            var repo = Familiar(d[..at]);
            var entry = repoDigests.FirstOrDefault(x => x.Repo == repo);
            if (entry.Repo == null) repoDigests.Add(entry = (repo, []));
            entry.Digests.Add(d[(at + 1)..]);
        }
        var needDigest = showDigests || formatUsesDigest;
        foreach (var (repo, repoTagList) in repoTags)
        {
            var ds = repoDigests.FirstOrDefault(x => x.Repo == repo).Digests ?? [];
            repoDigests.RemoveAll(x => x.Repo == repo);
            if (!needDigest) ds = [];
            foreach (var tag in repoTagList)
            {
                if (ds.Count == 0) { yield return new ImageRow(summary, truncate, now, repo, tag, "<none>"); continue; }
                foreach (var d in ds) yield return new ImageRow(summary, truncate, now, repo, tag, d);
            }
        }
        foreach (var (repo, ds) in repoDigests)
        {
            if (showDigests) foreach (var d in ds) yield return new ImageRow(summary, truncate, now, repo, "<none>", d);
            else yield return new ImageRow(summary, truncate, now, repo, "<none>", "");
        }
    }

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];

    /// <summary>"127.0.0.1:5000/bb:1" → ("127.0.0.1:5000/bb", "1"); a reference without a tag gives null.</summary>
    private static (string Repo, string Tag)? SplitTag(string reference)
    {
        var at = reference.IndexOf('@');
        if (at >= 0) reference = reference[..at];
        var colon = reference.LastIndexOf(':');
        if (colon <= 0 || reference.IndexOf('/', colon) >= 0) return null;
        return (Familiar(reference[..colon]), reference[(colon + 1)..]);
    }

    /// <summary>docker's FamiliarName: "docker.io/library/busybox" → "busybox", "docker.io/x/y" → "x/y".</summary>
    public static string Familiar(string name)
    {
        if (name.StartsWith("docker.io/library/", StringComparison.Ordinal)) return name["docker.io/library/".Length..];
        if (name.StartsWith("docker.io/", StringComparison.Ordinal)) return name["docker.io/".Length..];
        return name;
    }

    private long Num(string name) => _i.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    public string Containers => Num("Containers") == -1 ? "N/A" : Num("Containers").ToString(CultureInfo.InvariantCulture);

    public string CreatedAt => HumanUnits.GoTime(Num("Created"));

    public string CreatedSince => HumanUnits.Ago(Num("Created"), _now);

    public string Digest => _digest;

    public string ID
    {
        get
        {
            var id = _i.TryGetProperty("Id", out var v) ? v.GetString() ?? "" : "";
            return _trunc ? DisplayText.ShortId(id) : id;
        }
    }

    public string Repository => _repo;

    public string SharedSize => Num("SharedSize") == -1 ? "N/A" : HumanUnits.Size(Num("SharedSize"));

    public string Size => HumanUnits.ListingSize(Num("Size"));

    public string Tag => _tag;

    public string UniqueSize => Num("Size") == -1 || Num("SharedSize") == -1 ? "N/A" : HumanUnits.Size(Num("Size") - Num("SharedSize"));

    public string VirtualSize => HumanUnits.Size(Num("Size"));
}
