using Berth.Host.Configuration;

namespace Berth.Host.Facts;

/// <summary>The daemon's stable identity (GET /info "ID"), created once and kept in the data root.</summary>
public sealed record DaemonIdentity(string Id)
{
    public static DaemonIdentity LoadOrCreate(DaemonOptions options)
    {
        var path = Path.Combine(options.DataRoot, "engine-id");
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing) return new(existing);
        var id = Guid.NewGuid().ToString();
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, id + "\n");
        File.Move(tmp, path, overwrite: true);
        return new(id);
    }
}
