using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Hosting;
using Berth.Actors.Protocol;
using Berth.Shim.Client;
using Berth.Shim.Protocol;

namespace Berth.Host.Api;

/// <summary>docker exec over the Engine API: create, start (detached, or hijacked like attach), resize, inspect.</summary>
public static class ExecEndpoints
{
    private static readonly TimeSpan Forever = TimeSpan.FromDays(20);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/containers/{id}/exec", Create).TakesJson<ExecSpec>("ExecOptions");
        api.MapPost("/exec/{id}/start", Start).TakesJson<ExecStartBody>("ExecStartOptions");
        api.MapPost("/exec/{id}/resize", async (string id, HttpContext ctx, ActorRegistry reg) =>
        {
            var h = Query.Int(ctx.Request, "h") ?? 0;
            var w = Query.Int(ctx.Request, "w") ?? 0;
            if (h <= 0 || w <= 0) throw ApiException.BadRequest("resize needs h and w greater than 0");
            await ContainerEndpoints.Ask<ContainerDone>(reg, new ResizeExec(id, h, w), ctx);
            return new StatusReply(200);
        });
        api.MapGet("/exec/{id}/json", async (string id, HttpContext ctx, ActorRegistry reg) =>
            new JsonReply(Inspect((await ContainerEndpoints.Ask<ExecInspected>(reg, new InspectExec(id), ctx)).View)));
    }

    private static async Task<IResult> Create(string id, HttpContext ctx, ActorRegistry reg)
    {
        var spec = await JsonBody.Read<ExecSpec>(ctx) ?? new ExecSpec();
        if (spec.Cmd is not { Count: > 0 }) throw ApiException.BadRequest("No exec command specified");
        DetachKeySequence.ForExec(spec.DetachKeys); // refused at create, as dockerd does, not when the stream starts
        var created = await ContainerEndpoints.Ask<ExecCreated>(reg, new CreateExec(id, spec), ctx);
        return new JsonReply(new { created.Id }, 201);
    }

    private static async Task Start(string id, HttpContext ctx, ActorRegistry reg)
    {
        var body = await JsonBody.Read<ExecStartBody>(ctx) ?? new ExecStartBody();
        // Not ctx.RequestAborted: Kestrel signals it on the client's half-close, which must only end stdin.
        var ct = CancellationToken.None;
        var ready = await ContainerEndpoints.Ask<ExecReady>(reg, new PrepareExecStart(id), null, ct);
        if (body.Detach)
        {
            var begun = await ContainerEndpoints.Ask<ExecBegun>(reg, new BeginExec(id), null, ct);
            if (begun.Error != null) throw ApiException.Of(begun.ErrorKind, begun.Error);
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentLength = 0;
            return;
        }

        ShimAttachment attachment;
        await using (var shim = await ready.Streams.ConnectAsync(ct))
            attachment = await shim.AttachAsync(new AttachHeader(ready.AttachStdin, ready.AttachStdout, ready.AttachStderr, ExecId: id), ct);
        await using (attachment)
        {
            var (client, upgraded) = await ContainerAttach.Hijack(ctx);
            var started = await ContainerEndpoints.Ask<ExecBegun>(reg, new BeginExec(id), null, ct);
            if (started.Error != null)
            {
                // After the hijack the only way to tell the client is the stream itself (dockerd does the same).
                await ContainerAttach.WriteChunk(client, ready.Tty, AttachStream.Stdout, System.Text.Encoding.UTF8.GetBytes(started.Error + "\r\n"));
                return;
            }
            if (ready.Tty && body.ConsoleSize is [> 0 and var h, > 0 and var w])
            {
                try { await ContainerEndpoints.Ask<ContainerDone>(reg, new ResizeExec(id, h, w), null, ct); }
                catch (ApiException) { /* the process may have ended already */ }
            }
            var detached = await ContainerAttach.Bridge(attachment, client, ready.Tty, ready.AttachStdin && upgraded, DetachKeySequence.ForExec(ready.DetachKeys));
            if (detached)
            {
                // The process runs on and nobody waits for its exit here; dockerd's exec_detach event is recorded before the stream closes.
                await ContainerAttach.Detached(reg, new ExecDetached(id));
                return;
            }
        }
        // The CLI inspects the exec as soon as the stream closes: its exit code must be recorded by then. An exec that is
        // gone already went with its container's run (execs end with it): the stream ends all the same.
        try { await ContainerEndpoints.Ask<ExecEnded>(reg, new AwaitExecExit(id), Forever, ct); }
        catch (ApiException gone) when (gone.Status == 404) { }
    }

    /// <summary>docker's ExecInspect, ProcessConfig with its lower-case keys and "user" only when set.</summary>
    public static JsonObject Inspect(ExecView v)
    {
        var process = new JsonObject
        {
            ["tty"] = v.ProcessConfig.Tty,
            ["entrypoint"] = v.ProcessConfig.Entrypoint,
            ["arguments"] = new JsonArray(v.ProcessConfig.Arguments.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            ["privileged"] = v.ProcessConfig.Privileged,
        };
        if (v.ProcessConfig.User != null) process["user"] = v.ProcessConfig.User;
        return new JsonObject
        {
            ["ID"] = v.ID,
            ["Running"] = v.Running,
            ["ExitCode"] = v.ExitCode,
            ["ProcessConfig"] = process,
            ["OpenStdin"] = v.OpenStdin,
            ["OpenStderr"] = v.OpenStderr,
            ["OpenStdout"] = v.OpenStdout,
            ["CanRemove"] = v.CanRemove,
            ["ContainerID"] = v.ContainerID,
            ["DetachKeys"] = DetachKeySequence.InspectValue(v.DetachKeys),
            ["Pid"] = v.Pid,
        };
    }
}
