using Berth.Host.Configuration;
using Berth.Runtime.Native;

namespace Berth.Host.Hosting;

/// <summary>The daemon's pid file: refuses to start when it names a live process, removed on clean exit.</summary>
public sealed class PidFile : IDisposable
{
    private readonly string _path;

    private PidFile(string path) => _path = path;

    public static PidFile Acquire(string path)
    {
        if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out var pid) && pid != Environment.ProcessId
            && Directory.Exists($"/proc/{pid}"))
            throw new ConfigurationException($"pid file found, ensure berthd is not running or delete {path} (process {pid} is alive)");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ExactMode.WriteFile(path, Environment.ProcessId.ToString(), ExactMode.File0644);   // dockerd's pid file mode
        return new PidFile(path);
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(_path) && File.ReadAllText(_path).Trim() == Environment.ProcessId.ToString()) File.Delete(_path);
        }
        catch (IOException) { /* best effort at exit */ }
    }
}
