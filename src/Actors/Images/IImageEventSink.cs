namespace Berth.Actors.Images;

/// <summary>Where the images actor publishes its events (pull, tag, untag, delete, import, load, save); the host connects it to the event log.</summary>
public interface IImageEventSink
{
    /// <param name="action">docker's action name, e.g. "tag".</param>
    /// <param name="id">the image ID ("sha256:…").</param>
    /// <param name="attributes">"name" plus the image's labels, as dockerd sends them.</param>
    void Publish(string action, string id, IReadOnlyDictionary<string, string> attributes);
}
