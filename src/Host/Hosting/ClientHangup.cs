namespace Berth.Host.Hosting;

/// <summary>
/// The end of a client's side of its connection (its FIN, or a reset), as <see cref="ClientInput"/> saw it, and what the
/// requests in flight make of it. Kestrel would take a FIN as the end of the connection and drop the answer; here it
/// means what it means in Go's net/http: a stream with no end of its own stops (an abandoned `docker wait`; see
/// Api.EndpointRules), a body still arriving is cut short ("unexpected EOF"), and any other request is carried out and
/// answered (socat half-closes right after its request). Kestrel is told of the end once those requests are finished.
/// </summary>
public sealed class ClientHangup
{
    private readonly CancellationTokenSource _inputEnded = new();
    private readonly CancellationTokenSource _cutShort = new();
    private int _finished;
    private TaskCompletionSource _finishing = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Fires when the client has sent all it ever will.</summary>
    public CancellationToken Token => _inputEnded.Token;

    public bool InputEnded => _inputEnded.IsCancellationRequested;

    /// <summary>Fires when the client's input ended in the middle of a request body.</summary>
    public CancellationToken CutShort => _cutShort.Token;

    public bool IsCutShort => _cutShort.IsCancellationRequested;

    public void Signal() => Cancel(_inputEnded);

    public void SignalCutShort() => Cancel(_cutShort);

    /// <summary>One request of this connection is over: its answer is written (or never will be).</summary>
    public void RequestFinished()
    {
        Interlocked.Increment(ref _finished);
        Interlocked.Exchange(ref _finishing, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Completes once <paramref name="count"/> requests of this connection are finished.</summary>
    public async Task Finished(int count, CancellationToken ct)
    {
        while (true)
        {
            var next = Volatile.Read(ref _finishing).Task;
            if (Volatile.Read(ref _finished) >= count) return;
            await next.WaitAsync(ct);
        }
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try { source.Cancel(); }
        catch (ObjectDisposedException) { }
    }
}
