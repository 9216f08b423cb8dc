using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Berth.Host.Hosting;

/// <summary>
/// The connection filter between a client's socket and Kestrel. It copies what the client sends, rewriting an exec start
/// head (<see cref="UpgradeWithBody"/>) and following request boundaries (<see cref="RequestFraming"/>). When the client's
/// input ends, Kestrel is not told at once (it would drop the answer of a request whose body it is reading): the end is
/// published as <see cref="ClientHangup"/>, and passed on once the requests the client sent are finished; at once after
/// an upgrade, where it is the end of the hijacked stdin.
/// </summary>
public static class ClientInput
{
    public static void Pump(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen) =>
        listen.Use(next => async connection =>
        {
            var original = connection.Transport;
            var pipe = new Pipe();
            var hangup = new ClientHangup();
            connection.Features.Set(hangup);
            using var over = new CancellationTokenSource();
            var copy = Copy(original.Input, pipe.Writer, hangup, over.Token);
            connection.Transport = new Duplex(pipe.Reader, original.Output);
            try
            {
                await next(connection);
            }
            finally
            {
                over.Cancel();
                original.Input.CancelPendingRead();
                await pipe.Reader.CompleteAsync();
                await copy;
                connection.Transport = original;
            }
        });

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    private static async Task Copy(PipeReader input, PipeWriter output, ClientHangup hangup, CancellationToken over)
    {
        var framing = new RequestFraming();
        var clientEnded = false;
        try
        {
            clientEnded = await Forward(input, output, framing);
        }
        catch (Exception e) when (e is IOException or SocketException or ConnectionResetException or ConnectionAbortedException)
        {
            clientEnded = true; // a reset ends the client's input as a FIN does
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // The connection is over: Kestrel completed its side.
        }
        hangup.Signal();
        if (clientEnded) await HoldEnd(framing, hangup, over);
        await output.CompleteAsync();
    }

    /// <summary>Copies until the client's input ends (true) or the connection is over (false).</summary>
    private static async Task<bool> Forward(PipeReader input, PipeWriter output, RequestFraming framing)
    {
        var firstHead = true;
        while (true)
        {
            var result = await input.ReadAsync();
            if (result.IsCanceled) return false;
            var buffer = result.Buffer;
            if (firstHead)
            {
                if (UpgradeWithBody.Rewrite(buffer, out var rewritten, out var consumed))
                {
                    firstHead = false;
                    await output.WriteAsync(rewritten);
                    framing.Feed(new ReadOnlySequence<byte>(rewritten));
                    input.AdvanceTo(buffer.GetPosition(consumed));
                    continue;
                }
                if (!result.IsCompleted && UpgradeWithBody.NeedsMore(buffer))
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }
                firstHead = false;
            }
            foreach (var segment in buffer) await output.WriteAsync(segment);
            framing.Feed(buffer);
            input.AdvanceTo(buffer.End);
            if (result.IsCompleted) return true;
            if ((await output.FlushAsync()).IsCompleted) return false;
        }
    }

    /// <summary>Waits, before Kestrel sees the end of input, until the requests it concerns are finished.</summary>
    private static async Task HoldEnd(RequestFraming framing, ClientHangup hangup, CancellationToken over)
    {
        switch (framing.At)
        {
            case RequestFraming.Place.Body:
                hangup.SignalCutShort();
                break;
            case RequestFraming.Place.BetweenRequests:
                break;
            default:
                return; // an upgraded stream's stdin ends now; a partial or unreadable head is Kestrel's to refuse
        }
        try { await hangup.Finished(framing.Requests, over); }
        catch (OperationCanceledException) { }
    }
}
