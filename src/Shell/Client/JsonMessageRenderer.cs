using System.Globalization;
using System.Text;
using Berth.Shell.Formatting;

namespace Berth.Shell.Client;

/// <summary>
/// docker's jsonmessage.DisplayJSONMessagesStream: on a terminal every message carrying an id and progress owns
/// one line that is redrawn in place (cursor up, erase line, cursor down); otherwise progress updates are
/// skipped and other messages print as plain lines. errorDetail stops rendering with a JsonStreamError.
/// </summary>
public sealed class JsonMessageRenderer(TextWriter output, bool isTerminal, Func<int>? terminalWidth = null)
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    /// <summary>Renders the whole stream; aux messages go to <paramref name="onAux"/> (build's image ID, push digest).</summary>
    public async Task RenderAsync(IAsyncEnumerable<JsonMessage> messages, Action<JsonMessage>? onAux = null, CancellationToken ct = default)
    {
        await foreach (var m in messages.WithCancellation(ct))
        {
            Render(m, onAux);
            await output.FlushAsync(ct);
        }
    }

    /// <summary>Renders one message (see RenderAsync).</summary>
    public void Render(JsonMessage m, Action<JsonMessage>? onAux = null)
    {
        if (m.Aux != null)
        {
            onAux?.Invoke(m);
            return;
        }
        var diff = 0;
        if (m.Id != null && m.Id.Length > 0 && (m.Progress != null || !string.IsNullOrEmpty(m.ProgressMessage)))
        {
            if (!_lines.TryGetValue(m.Id, out var line))
            {
                // A new id gets a fresh line at the bottom.
                line = _lines.Count;
                _lines[m.Id] = line;
                if (isTerminal) output.Write('\n');
            }
            diff = _lines.Count - line;
            if (isTerminal && diff > 0) output.Write($"\u001b[{diff}A");
        }
        else
        {
            // Anything that is not progress ends the current block of redrawable lines.
            _lines.Clear();
        }
        Display(m);
        if (!string.IsNullOrEmpty(m.Id) && isTerminal && diff > 0) output.Write($"\u001b[{diff}B");
    }

    private void Display(JsonMessage m)
    {
        if (m.Error != null)
            throw m.Error.Code == 401 ? new JsonStreamError(401, "authentication is required") : new JsonStreamError(m.Error.Code, m.Error.Message);
        var endl = "";
        if (isTerminal && string.IsNullOrEmpty(m.Stream) && m.Progress != null)
        {
            output.Write("\u001b[2K\r");
            endl = "\r";
        }
        else if (m.Progress != null && ProgressText(m.Progress) != "")
            return; // no progress bars off a terminal
        if (m.TimeNano != 0)
            output.Write(DateTimeOffset.FromUnixTimeMilliseconds(m.TimeNano / 1_000_000).AddTicks(m.TimeNano % 1_000_000 / 100).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff00Z", CultureInfo.InvariantCulture) + " ");
        else if (m.Time != 0)
            output.Write(DateTimeOffset.FromUnixTimeSeconds(m.Time).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.000000000Z", CultureInfo.InvariantCulture) + " ");
        if (!string.IsNullOrEmpty(m.Id)) output.Write(m.Id + ": ");
        if (!string.IsNullOrEmpty(m.From)) output.Write("(from " + m.From + ") ");
        if (m.Progress != null && isTerminal)
            output.Write($"{m.Status} {ProgressText(m.Progress)}{endl}");
        else if (!string.IsNullOrEmpty(m.ProgressMessage))
            output.Write($"{m.Status} {m.ProgressMessage}{endl}");
        else if (!string.IsNullOrEmpty(m.Stream))
            output.Write(m.Stream + endl);
        else
            output.Write(m.Status + endl + "\n");
    }

    /// <summary>docker's JSONProgress.String(): "[=====>     ]  1.2MB/3.4MB 5s", the bar only on terminals wider than 110.</summary>
    public string ProgressText(JsonProgress p, DateTimeOffset? now = null)
    {
        if (p.Current <= 0 && p.Total <= 0) return "";
        if (p.Total <= 0)
            return string.IsNullOrEmpty(p.Units) ? HumanUnits.Size(p.Current).PadLeft(8) : $"{p.Current} {p.Units}";
        var width = terminalWidth?.Invoke() ?? 200;
        var percentage = Math.Min(50, (int)((double)p.Current / p.Total * 100) / 2);
        var sb = new StringBuilder();
        if (width > 110)
            sb.Append('[').Append('=', percentage).Append('>').Append(' ', Math.Max(0, 50 - percentage)).Append("] ");
        if (!p.HideCounts)
        {
            if (string.IsNullOrEmpty(p.Units))
            {
                var current = HumanUnits.Size(p.Current).PadLeft(8);
                sb.Append(p.Current > p.Total ? current : current + "/" + HumanUnits.Size(p.Total));
            }
            else
                sb.Append(p.Current > p.Total ? $"{p.Current} {p.Units}" : $"{p.Current}/{p.Total} {p.Units}");
        }
        if (p.Current > 0 && p.Start > 0 && percentage < 50)
        {
            var fromStart = (now ?? DateTimeOffset.UtcNow) - DateTimeOffset.FromUnixTimeSeconds(p.Start);
            var perEntryTicks = fromStart.Ticks / p.Current;
            var left = TimeSpan.FromTicks((p.Total - p.Current) * perEntryTicks);
            left = TimeSpan.FromSeconds(Math.Floor(left.TotalSeconds));
            if (width > 50) sb.Append(' ').Append(HumanUnits.GoDuration(left));
        }
        return sb.ToString();
    }
}
