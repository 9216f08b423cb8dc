namespace Berth.Host.Hosting;

/// <summary>
/// Fires when the client closes its side of the connection. Kestrel treats that as a half-close and keeps a
/// bodiless request running, so an abandoned `docker wait` (every `docker run -d` leaves one) would stay open until the
/// container exits. Go's net/http, and so dockerd, cancels the request instead; berth does the same for requests
/// that are not upgrades (a hijacked attach half-closes when stdin ends and must keep streaming).
/// </summary>
public sealed class ClientHangup
{
    private readonly CancellationTokenSource _closed = new();

    public CancellationToken Token => _closed.Token;

    public void Signal()
    {
        try { _closed.Cancel(); }
        catch (ObjectDisposedException) { }
    }
}
