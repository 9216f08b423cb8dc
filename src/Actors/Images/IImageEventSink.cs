namespace Berth.Actors.Images;

/// <summary>Where the images actor publishes its events (pull, tag, untag, delete, import, load, save); the host connects it to the event log.</summary>
public interface IImageEventSink
{
    /// <param name="action">docker's action name, e.g. "tag".</param>
    /// <param name="id">the image ID ("sha256:…").</param>
    /// <param name="attributes">"name" plus the image's labels, as dockerd sends them.</param>
    void Publish(string action, string id, IReadOnlyDictionary<string, string> attributes);
}

/// <summary>Answers "which containers use which images" for rmi/prune conflicts and to keep their snapshots alive.</summary>
public interface IImageUsage
{
    IReadOnlyList<Protocol.ContainerImageUse> Current();
}

/// <summary>No containers yet (tests, or before the containers actor exists).</summary>
public sealed class NoImageUsage : IImageUsage
{
    public static NoImageUsage Instance { get; } = new();
    public IReadOnlyList<Protocol.ContainerImageUse> Current() => [];
}
