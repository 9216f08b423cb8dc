using Berth.Actors.Protocol.Serialization;

namespace Berth.Actors.Protocol;

/// <summary>
/// The containers domain tells the images actor which images its containers hold (rmi conflicts, prune, df, and the
/// snapshots a rootfs stacks). Messages, not shared memory: the two may live on different threads or nodes. No reply.
/// </summary>
public interface IImageUsageMessage : IImageCommand, IBerthMessage;

/// <summary>A container holds its image (created, or its running state changed). Replaces what was known of that container.</summary>
[Manifest("image.in-use.v1")]
public sealed record ImageInUse(ContainerImageUse Use) : IImageUsageMessage;

/// <summary>A container no longer holds an image: it was removed, or its create failed after the image was resolved for it.</summary>
[Manifest("image.released.v1")]
public sealed record ImageReleased(string ContainerId) : IImageUsageMessage;

/// <summary>
/// Every container known at daemon start has reported its image: until then the images actor holds back what depends
/// on usage (rmi, prune, df, deleting snapshots), so a restart never lets an image in use be deleted.
/// </summary>
[Manifest("images.usage-complete.v1")]
public sealed record ImageUsageComplete : IImageUsageMessage
{
    public static ImageUsageComplete Instance { get; } = new();
}

/// <summary>
/// Published on the event stream by an images actor that (re)started without the usage: the containers domain answers
/// with every <see cref="ImageInUse"/> it knows, then <see cref="ImageUsageComplete"/> once its containers have reported.
/// </summary>
public sealed record ImageUsageWanted(Akka.Actor.IActorRef Images) : Akka.Actor.INoSerializationVerificationNeeded;
