using System.Text.Json;
using Berth.Shim.Protocol;

namespace Berth.Shim.Monitor;

/// <summary>Writes the exit status so that a reader never sees a half-written file (write, fsync, rename).</summary>
internal static class ExitFile
{
    public static void Write(string path, ExitStatus status)
    {
        var tmp = path + ".tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(f, status, ShimJson.Default.ExitStatus);
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }
}
