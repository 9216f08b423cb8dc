using Akka.Hosting;
using Berth.Actors.Protocol;

namespace Berth.Host.Api;

/// <summary>Changing an existing container without starting or stopping it: pause, unpause, rename and update.</summary>
public static class ContainerModificationEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/containers/{id}/pause", async (string id, HttpContext ctx, ActorRegistry reg) =>
        {
            await ContainerEndpoints.Ask<ContainerDone>(reg, new PauseContainer(id), ctx);
            return new StatusReply(204);
        });
        api.MapPost("/containers/{id}/unpause", async (string id, HttpContext ctx, ActorRegistry reg) =>
        {
            await ContainerEndpoints.Ask<ContainerDone>(reg, new UnpauseContainer(id), ctx);
            return new StatusReply(204);
        });
        api.MapPost("/containers/{id}/rename", async (string id, HttpContext ctx, ActorRegistry reg) =>
        {
            await ContainerEndpoints.Ask<ContainerDone>(reg, new RenameContainer(id, Query.String(ctx.Request, "name") ?? ""), ctx);
            return new StatusReply(204);
        });
        api.MapPost("/containers/{id}/update", Update).TakesJson<UpdateRequestBody>("UpdateConfig");
    }

    private static async Task<IResult> Update(string id, HttpContext ctx, ActorRegistry reg)
    {
        var update = ContainerSpecMapper.ToUpdate(await JsonBody.Read<UpdateRequestBody>(ctx) ?? new UpdateRequestBody());
        var updated = await ContainerEndpoints.Ask<ContainerUpdated>(reg, new UpdateContainer(id, update), ctx);
        return new JsonReply(new { updated.Warnings });
    }
}
