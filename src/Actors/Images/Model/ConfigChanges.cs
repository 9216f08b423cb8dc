using System.Text;
using System.Text.Json;
using Berth.Actors.Protocol;

namespace Berth.Actors.Images.Model;

/// <summary>
/// Applies the Dockerfile instructions that `docker import --change` and `docker commit --change` accept
/// (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR, STOPSIGNAL) to a container config.
/// </summary>
public static class ConfigChanges
{
    public static ContainerConfig Apply(ContainerConfig config, IEnumerable<string> changes)
    {
        foreach (var change in changes)
        {
            var line = change.Trim();
            if (line.Length == 0) continue;
            var space = line.IndexOfAny([' ', '\t']);
            var instruction = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var rest = space < 0 ? "" : line[(space + 1)..].Trim();
            config = instruction switch
            {
                "CMD" => config with { Cmd = CommandForm(rest) },
                "ENTRYPOINT" => config with { Entrypoint = CommandForm(rest) },
                "ENV" => config with { Env = MergeEnv(config.Env, KeyValues(rest, "ENV")) },
                "LABEL" => config with { Labels = MergeLabels(config.Labels, KeyValues(rest, "LABEL")) },
                "EXPOSE" => config with { ExposedPorts = AddPorts(config.ExposedPorts, Words(rest)) },
                "VOLUME" => config with { Volumes = AddVolumes(config.Volumes, rest) },
                "USER" => config with { User = Single(rest, "USER") },
                "WORKDIR" => config with { WorkingDir = Workdir(config.WorkingDir, Single(rest, "WORKDIR")) },
                "STOPSIGNAL" => config with { StopSignal = Single(rest, "STOPSIGNAL") },
                "ONBUILD" => config with { OnBuild = [.. config.OnBuild ?? [], rest] },
                _ => throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"{instruction.ToLowerInvariant()} is not a valid change command"),
            };
        }
        return config;
    }

    /// <summary>JSON array form as is; shell form wrapped in /bin/sh -c.</summary>
    private static IReadOnlyList<string> CommandForm(string rest)
    {
        if (TryJsonArray(rest, out var array)) return array;
        return ["/bin/sh", "-c", rest];
    }

    private static bool TryJsonArray(string text, out IReadOnlyList<string> array)
    {
        array = [];
        if (!text.StartsWith('[')) return false;
        try
        {
            var parsed = JsonSerializer.Deserialize<List<string>>(text);
            if (parsed is null) return false;
            array = parsed;
            return true;
        }
        catch (JsonException) { return false; }
    }

    /// <summary>"K=V K2='v 2'" pairs, or the legacy "K V" form.</summary>
    private static List<(string Key, string Value)> KeyValues(string rest, string instruction)
    {
        var words = Words(rest);
        if (words.Count == 0) throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"{instruction} requires at least one argument");
        if (!words[0].Contains('='))
        {
            var space = rest.IndexOfAny([' ', '\t']);
            if (space < 0) throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"{instruction} names can not be blank");
            return [(rest[..space], Words(rest[(space + 1)..].Trim()) is var v && v.Count > 0 ? string.Join(' ', v) : "")];
        }
        var pairs = new List<(string, string)>();
        foreach (var word in words)
        {
            var eq = word.IndexOf('=');
            if (eq <= 0) throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"Syntax error - can't find = in \"{word}\". Must be of the form: name=value");
            pairs.Add((word[..eq], word[(eq + 1)..]));
        }
        return pairs;
    }

    private static IReadOnlyList<string> MergeEnv(IReadOnlyList<string>? env, List<(string Key, string Value)> pairs)
    {
        var list = env?.ToList() ?? [];
        foreach (var (key, value) in pairs)
        {
            var entry = $"{key}={value}";
            var at = list.FindIndex(e => e == key || e.StartsWith(key + "=", StringComparison.Ordinal));
            if (at >= 0) list[at] = entry; else list.Add(entry);
        }
        return list;
    }

    private static IReadOnlyDictionary<string, string> MergeLabels(IReadOnlyDictionary<string, string>? labels, List<(string Key, string Value)> pairs)
    {
        var map = labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(labels);
        foreach (var (key, value) in pairs) map[key] = value;
        return map;
    }

    private static IReadOnlyDictionary<string, EmptyObject> AddPorts(IReadOnlyDictionary<string, EmptyObject>? ports, IReadOnlyList<string> specs)
    {
        var map = ports is null ? new SortedDictionary<string, EmptyObject>(StringComparer.Ordinal) : new SortedDictionary<string, EmptyObject>(ports.ToDictionary(), StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var slash = spec.IndexOf('/');
            var proto = slash < 0 ? "tcp" : spec[(slash + 1)..].ToLowerInvariant();
            var range = slash < 0 ? spec : spec[..slash];
            if (proto is not ("tcp" or "udp" or "sctp")) throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"invalid proto: {proto}");
            var dash = range.IndexOf('-');
            if (!int.TryParse(dash < 0 ? range : range[..dash], out var lo) || !int.TryParse(dash < 0 ? range : range[(dash + 1)..], out var hi) || lo < 1 || hi > 65535 || lo > hi)
                throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"invalid containerPort: {range}");
            for (var p = lo; p <= hi; p++) map[$"{p}/{proto}"] = EmptyObject.Instance;
        }
        return map;
    }

    private static IReadOnlyDictionary<string, EmptyObject> AddVolumes(IReadOnlyDictionary<string, EmptyObject>? volumes, string rest)
    {
        var map = volumes is null ? new SortedDictionary<string, EmptyObject>(StringComparer.Ordinal) : new SortedDictionary<string, EmptyObject>(volumes.ToDictionary(), StringComparer.Ordinal);
        var paths = TryJsonArray(rest, out var array) ? array : Words(rest);
        if (paths.Count == 0) throw new ImageOperationException(ImageErrorKind.InvalidArgument, "VOLUME requires at least one argument");
        foreach (var path in paths)
        {
            if (path.Trim().Length == 0) throw new ImageOperationException(ImageErrorKind.InvalidArgument, "VOLUME specified can not be an empty string");
            map[path] = EmptyObject.Instance;
        }
        return map;
    }

    private static string Workdir(string current, string path) =>
        path.StartsWith('/') || current.Length == 0 ? (path.StartsWith('/') ? path : "/" + path) : current.TrimEnd('/') + "/" + path;

    private static string Single(string rest, string instruction)
    {
        var words = Words(rest);
        if (words.Count != 1) throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"{instruction} requires exactly one argument");
        return words[0];
    }

    /// <summary>Splits on whitespace, honouring double and single quotes and backslash escapes.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote) { quote = '\0'; continue; }
                if (c == '\\' && quote == '"' && i + 1 < text.Length) { current.Append(text[++i]); continue; }
                current.Append(c);
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
                continue;
            }
            inWord = true;
            if (c is '"' or '\'') { quote = c; continue; }
            if (c == '\\' && i + 1 < text.Length) { current.Append(text[++i]); continue; }
            current.Append(c);
        }
        if (quote != '\0') throw new ImageOperationException(ImageErrorKind.InvalidArgument, $"unmatched quote in \"{text}\"");
        if (inWord) words.Add(current.ToString());
        return words;
    }
}
