using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Berth.Runtime.Oci;

namespace Berth.Runtime.Seccomp;

/// <summary>
/// Compiled seccomp programs kept on disk under the name of what they were compiled from. libseccomp needs 10-20 ms
/// for a docker-sized profile over three ABIs; every container shares one of a handful of profiles, and every exec
/// compiles its container's again, so each start after the first reads 8 KB instead.
/// </summary>
public sealed class SeccompCache(string dir, Action<string>? debug = null)
{
    public string Dir => dir;

    /// <summary>The BPF program for the profile, from the cache or compiled (and then stored).</summary>
    public byte[] Compile(Oci.Seccomp profile)
    {
        SeccompProfile.Validate(profile);
        var path = Path.Combine(dir, Key(profile) + ".bpf");
        if (Read(path) is { } cached) return cached;
        var bpf = SeccompCompiler.Compile(profile);
        Store(path, bpf);
        return bpf;
    }

    /// <summary>SHA-256 of everything the program depends on: the profile, libseccomp's version and the kernel.</summary>
    public static string Key(Oci.Seccomp profile)
    {
        var json = JsonSerializer.Serialize(profile, OciJsonContext.Default.Seccomp);
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var input = Encoding.UTF8.GetBytes($"{SeccompCompiler.LibraryVersion}\n{release}\n{json}");
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    private static byte[]? Read(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            // A sock_filter is 8 bytes; anything else is not a program we wrote.
            return bytes.Length > 0 && bytes.Length % 8 == 0 ? bytes : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
    }

    /// <summary>Written under a temporary name and renamed, so a reader never sees half a program.</summary>
    private void Store(string path, byte[] bpf)
    {
        var tmp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllBytes(tmp, bpf);
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The program in hand is correct; an unwritable cache only costs the next start the compile time.
            debug?.Invoke($"seccomp cache: cannot store {path}: {e.Message}");
            try { File.Delete(tmp); } catch (IOException) { }
        }
    }
}
