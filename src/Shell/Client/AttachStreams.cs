using Berth.Shell.Terminal;

namespace Berth.Shell.Client;

/// <summary>How an attached session ended: the daemon closed the stream, or the user typed the detach keys.</summary>
public sealed record AttachResult(bool Detached);

/// <summary>
/// Wires a hijacked connection to the terminal the way docker's hijack.go does: output is demultiplexed (or
/// copied raw for a TTY) until the daemon closes the stream; stdin is copied in and half-closed at EOF (at once
/// when there is no stdin), and typing the detach sequence half-closes and ends the session.
/// </summary>
public static class AttachStreams
{
    /// <summary>
    /// A session on berth's own console (run, start -a, attach, exec): the terminal is restored when it ends, and a
    /// detach says "read escape sequence" like docker. Returns whether the user detached.
    /// </summary>
    public static async Task<bool> RunOnConsoleAsync(HijackedConnection connection, bool tty, bool stdin, byte[]? detachKeys, RawTerminal? raw)
    {
        var result = await RunAsync(connection, stdin ? Console.OpenStandardInput() : null,
            Console.OpenStandardOutput(), Console.OpenStandardError(), tty, stdin ? detachKeys : null);
        raw?.Restore();
        if (result.Detached) Console.Error.WriteLine("\nread escape sequence");
        return result.Detached;
    }

    public static async Task<AttachResult> RunAsync(HijackedConnection connection, Stream? stdin, Stream stdout, Stream stderr,
        bool tty, byte[]? detachKeys, CancellationToken ct = default)
    {
        var output = tty ? StdCopy.CopyRawAsync(connection, stdout, ct) : StdCopy.DemultiplexAsync(connection, stdout, stderr, ct);
        if (stdin == null)
        {
            await connection.CloseWriteAsync();
            await output;
            return new AttachResult(false);
        }

        var detached = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // stdin reads cannot be cancelled portably, so the pump runs on its own and is abandoned when output ends.
        _ = Task.Run(async () =>
        {
            try
            {
                var detector = detachKeys is { Length: > 0 } ? new DetachKeyDetector(detachKeys) : null;
                var buffer = new byte[4096];
                int n;
                while ((n = await stdin.ReadAsync(buffer, ct)) > 0)
                {
                    var chunk = buffer.AsMemory(0, n);
                    var stop = false;
                    if (detector != null)
                    {
                        var (forward, hit) = detector.Process(chunk.Span);
                        chunk = forward;
                        stop = hit;
                    }
                    if (chunk.Length > 0)
                    {
                        await connection.WriteAsync(chunk, ct);
                        await connection.FlushAsync(ct);
                    }
                    if (stop)
                    {
                        await connection.CloseWriteAsync();
                        detached.TrySetResult(true);
                        return;
                    }
                }
                await connection.CloseWriteAsync();
            }
            catch (Exception) when (output.IsCompleted || ct.IsCancellationRequested)
            {
                // The daemon already ended the session; a failing stdin write does not matter any more.
            }
            catch (IOException)
            {
                // The connection went away while writing; the output side reports what happened.
            }
            detached.TrySetResult(false);
        }, CancellationToken.None);

        var first = await Task.WhenAny(output, detached.Task);
        if (first == detached.Task && detached.Task.Result)
            return new AttachResult(true);
        await output;
        return new AttachResult(false);
    }
}
