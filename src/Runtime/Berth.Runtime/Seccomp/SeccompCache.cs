using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Berth.Runtime.Oci;

namespace Berth.Runtime.Seccomp;

/// <summary>
/// Compiled seccomp programs kept on disk under the name of what they were compiled from. libseccomp needs 10-20 ms
/// for a docker-sized profile over three ABIs; every container shares one of a handful of profiles, and every exec
/// compiles its container's again, so each start after the first reads 8 KB instead.
/// </summary>
/// <remarks>
/// An entry holds its whole source (profile, libseccomp version, kernel) ahead of the program and is used only when
/// that source matches byte for byte, so the file name may be a cheap hash: a collision, even a crafted one from a
/// user's profile, costs a compile and never hands out another profile's program. (SHA-256 would cost more than
/// the compile saves: loading OpenSSL alone takes ~7 ms.)
/// </remarks>
public sealed class SeccompCache(string dir, Action<string>? debug = null)
{
    public string Dir => dir;

    /// <summary>The BPF program for the profile, from the cache or compiled (and then stored).</summary>
    public byte[] Compile(Oci.Seccomp profile)
    {
        SeccompProfile.Validate(profile);
        var source = Source(profile);
        var path = Path.Combine(dir, Name(source) + ".bpf");
        if (Read(path, source) is { } cached) return cached;
        var bpf = SeccompCompiler.Compile(profile);
        Store(path, source, bpf);
        return bpf;
    }

    /// <summary>The file name (without .bpf) of the profile's entry.</summary>
    public static string Key(Oci.Seccomp profile) => Name(Source(profile));

    /// <summary>Everything the program depends on: libseccomp's version, the kernel and the profile.</summary>
    private static byte[] Source(Oci.Seccomp profile)
    {
        var json = JsonSerializer.Serialize(profile, OciJsonContext.Default.Seccomp);
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        return Encoding.UTF8.GetBytes($"{SeccompCompiler.LibraryVersion}\n{release}\n{json}");
    }

    /// <summary>FNV-1a, 64 bits: stable across processes, unlike string.GetHashCode.</summary>
    private static string Name(byte[] source)
    {
        var h = 14695981039346656037UL;
        foreach (var b in source) h = (h ^ b) * 1099511628211UL;
        return h.ToString("x16");
    }

    /// <summary>The program of an entry whose recorded source is <paramref name="source"/>; null for anything else.</summary>
    private static byte[]? Read(string path, byte[] source)
    {
        byte[] entry;
        try { entry = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
        if (entry.Length < 4) return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(entry);
        if (length != source.Length || entry.Length - 4 - length <= 0) return null;
        if (!entry.AsSpan(4, length).SequenceEqual(source)) return null;
        var program = entry[(4 + length)..];
        // A sock_filter is 8 bytes; anything else is not a program we wrote.
        return program.Length % 8 == 0 ? program : null;
    }

    /// <summary>Written under a temporary name and renamed, so a reader never sees half an entry.</summary>
    private void Store(string path, byte[] source, byte[] bpf)
    {
        var tmp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var entry = new byte[4 + source.Length + bpf.Length];
            BinaryPrimitives.WriteInt32LittleEndian(entry, source.Length);
            source.CopyTo(entry, 4);
            bpf.CopyTo(entry, 4 + source.Length);
            using (var file = new FileStream(tmp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = Native.ExactMode.File0600 }))
                file.Write(entry);
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
