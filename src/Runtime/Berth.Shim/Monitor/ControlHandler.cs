using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Berth.Shim.Protocol;

namespace Berth.Shim.Monitor;

/// <summary>Serves the control socket: one JSON request per line, one JSON response per line.</summary>
/// <param name="closeListeners">Unlinks the sockets; runs before the shutdown reply so a client never finds a dead socket.</param>
/// <param name="exit">Ends the shim; runs after the shutdown reply was written.</param>
internal sealed class ControlHandler(ContainerMonitor monitor, Action closeListeners, Action exit)
{
    public async Task Serve(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0) continue;
            ShimResponse response;
            ShimRequest? request = null;
            try
            {
                request = JsonSerializer.Deserialize(line, ShimJson.Default.ShimRequest)
                          ?? throw new JsonException("empty request");
                response = await Handle(request);
                if (request.Op == ShimOps.Shutdown && response.Ok) closeListeners();
            }
            catch (JsonException e)
            {
                response = new ShimResponse(false, "malformed request: " + e.Message);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                response = new ShimResponse(false, e.Message);
            }
            var bytes = JsonSerializer.SerializeToUtf8Bytes(response, ShimJson.Default.ShimResponse);
            await stream.WriteAsync(bytes);
            await stream.WriteAsync("\n"u8.ToArray());
            await stream.FlushAsync();
            if (request?.Op == ShimOps.Shutdown && response.Ok)
            {
                exit();
                return;
            }
        }
    }

    private async Task<ShimResponse> Handle(ShimRequest r)
    {
        switch (r.Op)
        {
            case ShimOps.Start:
                return Result(await monitor.Start());
            case ShimOps.Resize:
                if (r.Rows is not (> 0 and <= ushort.MaxValue) || r.Cols is not (> 0 and <= ushort.MaxValue))
                    return new ShimResponse(false, "resize needs rows and cols between 1 and 65535");
                monitor.Io.Resize((ushort)r.Rows, (ushort)r.Cols);
                return new ShimResponse(true);
            case ShimOps.Kill:
                return Result(await monitor.Kill(r.Signal ?? 15, r.All ?? false));
            case ShimOps.State:
                return new ShimResponse(true, State: monitor.State());
            case ShimOps.CloseStdin:
                monitor.Io.CloseStdin();
                return new ShimResponse(true);
            case ShimOps.Wait:
                return new ShimResponse(true, Exit: await monitor.Exited);
            case ShimOps.Shutdown:
                var error = await monitor.Shutdown(r.Force ?? false);
                return new ShimResponse(error == null, error, Exit: monitor.Exited.IsCompletedSuccessfully ? monitor.Exited.Result : null);
            case ShimOps.Exec:
                return Result(monitor.ExecRefusal() ?? monitor.Execs.Register(r.ExecId, r.Process, r.Stdin ?? false));
            case ShimOps.ExecStart:
            {
                var exec = monitor.Execs.Get(r.ExecId);
                if (monitor.ExecRefusal() is { } refusal) return new ShimResponse(false, refusal);
                var startError = await monitor.Execs.Start(r.ExecId);
                return new ShimResponse(startError == null, startError, Exec: exec.State());
            }
            case ShimOps.ExecWait:
            {
                var exec = monitor.Execs.Get(r.ExecId);
                return new ShimResponse(true, Exit: await exec.Exited, Exec: exec.State());
            }
            case ShimOps.ExecResize:
                if (r.Rows is not (> 0 and <= ushort.MaxValue) || r.Cols is not (> 0 and <= ushort.MaxValue))
                    return new ShimResponse(false, "resize needs rows and cols between 1 and 65535");
                var resized = monitor.Execs.Get(r.ExecId);
                if (!resized.Terminal) return new ShimResponse(false, "the exec has no terminal");
                resized.Io.Resize((ushort)r.Rows, (ushort)r.Cols);
                return new ShimResponse(true);
            case ShimOps.ExecState:
                return new ShimResponse(true, Exec: monitor.Execs.Get(r.ExecId).State());
            case ShimOps.Probe:
            {
                if (!ExecTable.IsRunnable(r.Process, out var process))
                    return new ShimResponse(false, "probe needs a process object with a non-empty args array");
                if (r.TimeoutMs is not > 0) return new ShimResponse(false, "probe needs a positive timeoutMs");
                if (monitor.ExecRefusal() is { } refusal) return new ShimResponse(false, refusal);
                return new ShimResponse(true, Probe: await monitor.Execs.Probe(process, TimeSpan.FromMilliseconds(r.TimeoutMs.Value)));
            }
            case ShimOps.ExecList:
                return new ShimResponse(true, Execs: monitor.Execs.States());
            default:
                return new ShimResponse(false, $"unknown operation \"{r.Op}\"");
        }
    }

    private static ShimResponse Result(string? error) => new(error == null, error);
}
