using System.Text.Json;
using Berth.Runtime.Oci;

namespace Berth.Runtime.Cli;

/// <summary>The --log file (text or json lines, like runc) plus stderr for errors.</summary>
public sealed class Logger(string? path, bool json, bool debug)
{
    public void Debug(string msg)
    {
        if (!debug) return;
        if (path == null) Console.Error.WriteLine("debug: " + msg);
        else Write("debug", msg);
    }

    /// <summary>Errors go to stderr always, and to the log file when there is one.</summary>
    public void Error(string msg)
    {
        Console.Error.WriteLine("berth-runtime: " + msg);
        if (path != null) Write("error", msg);
    }

    private void Write(string level, string msg)
    {
        var time = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
        var line = json
            ? JsonSerializer.Serialize(new LogLine { Level = level, Msg = msg, Time = time }, OciJsonContext.Default.LogLine)
            : $"time=\"{time}\" level={level} msg=\"{msg.Replace("\"", "\\\"")}\"";
        try
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(path!));
            if (dir != null) Directory.CreateDirectory(dir);
            File.AppendAllText(path!, line + "\n");
        }
        catch (IOException e) { Console.Error.WriteLine($"berth-runtime: cannot write log {path}: {e.Message}"); }
    }
}
