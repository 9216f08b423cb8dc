using System.Globalization;
using Berth.Shell.Terminal;

namespace Berth.Shell.Client;

/// <summary>
/// Keeps a container's or exec's TTY the size of our terminal: sends the size once at start (retrying like docker,
/// because the process may not exist yet) and again after every SIGWINCH.
/// resizePath is "/containers/{id}/resize" or "/exec/{id}/resize".
/// </summary>
public sealed class TtyResizer : IDisposable
{
    private readonly EngineClient _client;
    private readonly string _resizePath;
    private readonly int _fd;
    private readonly Action<TerminalSize>? _resized;
    private readonly WindowResizeWatcher _watcher;

    private TtyResizer(EngineClient client, string resizePath, int fd, Action<TerminalSize>? resized)
    {
        _client = client;
        _resizePath = resizePath;
        _fd = fd;
        _resized = resized;
        _watcher = new WindowResizeWatcher(() => _ = ResizeQuietlyAsync());
    }

    /// <param name="fd">The terminal whose size counts (docker uses stdout).</param>
    /// <param name="resized">Called after each size was sent (for tests and for verbs that also forward SIGWINCH).</param>
    public static async Task<TtyResizer> StartAsync(EngineClient client, string resizePath, int fd = 1,
        Action<TerminalSize>? resized = null, CancellationToken ct = default)
    {
        var resizer = new TtyResizer(client, resizePath, fd, resized);
        // docker retries the first resize up to 10 times, 10ms, 20ms, … apart.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await resizer.ResizeAsync(TerminalInfo.GetSize(fd), ct);
                break;
            }
            catch (DaemonError) when (attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt), ct);
            }
        }
        return resizer;
    }

    /// <summary>Sends one size: POST {resizePath}?h=rows&amp;w=cols (attach sends rows+1/cols+1 first to force a redraw).</summary>
    public async Task ResizeAsync(TerminalSize size, CancellationToken ct = default)
    {
        if (size.Rows == 0 && size.Columns == 0) return; // not a real window
        await _client.PostAsync(_resizePath, new QueryString()
            .Add("h", size.Rows.ToString(CultureInfo.InvariantCulture))
            .Add("w", size.Columns.ToString(CultureInfo.InvariantCulture)), ct: ct);
        _resized?.Invoke(size);
    }

    private async Task ResizeQuietlyAsync()
    {
        try { await ResizeAsync(TerminalInfo.GetSize(_fd)); }
        catch (Exception) { } // like docker: a failed resize on SIGWINCH is only logged, the session goes on
    }

    public void Dispose() => _watcher.Dispose();
}
