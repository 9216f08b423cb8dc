using Berth.Runtime.Native;

namespace Berth.Runtime.Cgroups;

/// <summary>Reads and writes cgroup control files with errors that name the file.</summary>
internal static class CgroupFiles
{
    public static void Write(string dir, string file, string value)
    {
        var path = System.IO.Path.Combine(dir, file);
        // O_TRUNC as runc does: a no-op on cgroupfs, and a plain file (a test fixture) then holds exactly the value.
        var fd = Sys.open(path, Sys.O_WRONLY | Sys.O_TRUNC | Sys.O_CLOEXEC, 0);
        if (fd < 0) Errno.Check(fd, "open", path);
        try { Sys.WriteAll(fd, System.Text.Encoding.ASCII.GetBytes(value), path + " <- " + value); }
        finally { Sys.close(fd); }
    }

    public static string? Read(string dir, string file)
    {
        try { return File.ReadAllText(System.IO.Path.Combine(dir, file)).Trim(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    public static long ReadLong(string dir, string file)
    {
        var s = Read(dir, file);
        return s == null ? -1 : s == "max" ? long.MaxValue : long.TryParse(s.Split(' ')[0], out var v) ? v : -1;
    }

    public static long ReadKey(string dir, string file, string key)
    {
        var s = Read(dir, file);
        if (s == null) return -1;
        foreach (var line in s.Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], out var v)) return v;
        }
        return -1;
    }

    public static IReadOnlyList<int> Pids(string dir)
    {
        var s = Read(dir, "cgroup.procs");
        if (string.IsNullOrEmpty(s)) return [];
        return s.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
    }

    /// <summary>rmdir with retries: a cgroup whose last task just exited can be briefly busy.</summary>
    public static void RemoveDir(string dir)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { Directory.Delete(dir); return; }
            catch (DirectoryNotFoundException) { return; }
            catch (IOException) when (attempt < 50) { Thread.Sleep(10); }
        }
    }
}
