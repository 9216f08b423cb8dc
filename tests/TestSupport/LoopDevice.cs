using System.Diagnostics;

namespace Berth.TestSupport;

/// <summary>
/// A host block device the test owns: a loop device over a 64 KiB temp file that starts with a secret. Specs make a
/// container reach it (mknod, --device) and check what it read and whether the file changed. Detached and deleted on
/// dispose, also when the spec failed.
/// </summary>
public sealed class LoopDevice : IDisposable
{
    private const int Size = 64 * 1024;

    private LoopDevice(string file, string path, int major, int minor, string secret)
    {
        BackingFile = file;
        Path = path;
        Major = major;
        Minor = minor;
        Secret = secret;
    }

    /// <summary>The backing file on the host.</summary>
    public string BackingFile { get; }
    /// <summary>/dev/loopN.</summary>
    public string Path { get; }
    public int Major { get; }
    public int Minor { get; }
    /// <summary>What the device holds from offset 0 (23 characters, no newline).</summary>
    public string Secret { get; }

    /// <summary>Attaches a fresh loop device (losetup -f) to a new backing file.</summary>
    public static LoopDevice Create()
    {
        var secret = "secret-" + Guid.NewGuid().ToString("N")[..16];
        var file = System.IO.Path.Combine("/tmp", $"berth-test-loop-{Guid.NewGuid().ToString("N")[..10]}.img");
        WriteContent(file, secret);
        var (code, output) = Exec("/usr/sbin/losetup", "-f", "--show", file);
        if (code != 0)
        {
            File.Delete(file);
            throw new InvalidOperationException($"losetup -f --show {file} failed: {output}");
        }
        var path = output.Trim();
        try
        {
            var numbers = File.ReadAllText($"/sys/class/block/{System.IO.Path.GetFileName(path)}/dev").Trim().Split(':');
            return new LoopDevice(file, path, int.Parse(numbers[0]), int.Parse(numbers[1]), secret);
        }
        catch
        {
            Exec("/usr/sbin/losetup", "-d", path);
            File.Delete(file);
            throw;
        }
    }

    /// <summary>The first bytes of the backing file, as long as the secret.</summary>
    public string Head()
    {
        using var f = File.OpenRead(BackingFile);
        var buffer = new byte[Secret.Length];
        f.ReadExactly(buffer);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    /// <summary>Whether the device still holds exactly the secret (nothing wrote to it).</summary>
    public bool Untouched => Head() == Secret;

    /// <summary>Puts the secret back and drops the device's cached blocks, so the next reader sees the file.</summary>
    public void Reset()
    {
        WriteContent(BackingFile, Secret);
        var (code, output) = Exec("/usr/sbin/blockdev", "--flushbufs", Path);
        if (code != 0) throw new InvalidOperationException($"blockdev --flushbufs {Path} failed: {output}");
    }

    public void Dispose()
    {
        Exec("/usr/sbin/losetup", "-d", Path);
        try { File.Delete(BackingFile); } catch (IOException) { }
    }

    private static void WriteContent(string file, string secret)
    {
        var content = new byte[Size];
        System.Text.Encoding.ASCII.GetBytes(secret).CopyTo(content, 0);
        File.WriteAllBytes(file, content);
    }

    private static (int Code, string Output) Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }
}
