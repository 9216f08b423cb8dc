using System.Runtime.InteropServices;

namespace Berth.Runtime.Native;

/// <summary>
/// The bpf(2) calls a cgroup v2 device filter needs: load a BPF_PROG_TYPE_CGROUP_DEVICE program, attach it to a cgroup
/// directory with BPF_F_ALLOW_MULTI (as runc does), and detach the programs it replaces.
/// </summary>
public static unsafe class Bpf
{
    private const int ProgLoad = 5, ProgAttach = 8, ProgDetach = 9, ProgGetFdById = 13, ProgQuery = 16;
    private const uint ProgTypeCgroupDevice = 15, AttachCgroupDevice = 6, FlagAllowMulti = 2;
    // Large enough for every field used here; the kernel takes a shorter union bpf_attr and zero-fills the rest.
    private const int AttrSize = 128;

    private static long SysBpf => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        var a => throw new PlatformNotSupportedException($"bpf(2): no syscall number known for {a}"),
    };

    /// <summary>
    /// Loads <paramref name="program"/> and attaches it to the cgroup at <paramref name="cgroupDir"/>; device programs
    /// attached there before are detached afterwards, so the cgroup is never without a filter while it changes.
    /// </summary>
    public static void AttachDeviceFilter(string cgroupDir, byte[] program, string license)
    {
        var dirFd = Errno.Check(Sys.open(cgroupDir, Sys.O_DIRECTORY | Sys.O_RDONLY | Sys.O_CLOEXEC, 0), "open", cgroupDir);
        try
        {
            var old = AttachedDeviceFilters(dirFd, cgroupDir);
            var progFd = Load(program, license, cgroupDir);
            try { Attach(ProgAttach, dirFd, progFd, FlagAllowMulti, "BPF_PROG_ATTACH", cgroupDir); }
            finally { Sys.close(progFd); }
            foreach (var id in old)
            {
                var fd = ProgramFd(id, cgroupDir);
                if (fd < 0) continue;
                try { Attach(ProgDetach, dirFd, fd, 0, "BPF_PROG_DETACH", cgroupDir); }
                finally { Sys.close(fd); }
            }
        }
        finally { Sys.close(dirFd); }
    }

    private static long Call(int cmd, byte* attr) => Sys.syscall(SysBpf, cmd, (long)attr, AttrSize);

    private static int Load(byte[] program, string license, string subject)
    {
        var licenseBytes = System.Text.Encoding.ASCII.GetBytes(license + "\0");
        fixed (byte* insns = program)
        fixed (byte* lic = licenseBytes)
        {
            var attr = stackalloc byte[AttrSize];
            new Span<byte>(attr, AttrSize).Clear();
            *(uint*)(attr + 0) = ProgTypeCgroupDevice;
            *(uint*)(attr + 4) = (uint)(program.Length / 8);
            *(ulong*)(attr + 8) = (ulong)insns;
            *(ulong*)(attr + 16) = (ulong)lic;
            var fd = Call(ProgLoad, attr);
            if (fd >= 0) return (int)fd;
            var errno = Marshal.GetLastPInvokeError();
            throw new SyscallException("bpf(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE)", subject + VerifierLog(program, lic), errno);
        }
    }

    /// <summary>The verifier's explanation of a refused program, loaded again with a log buffer; empty when it gives none.</summary>
    private static string VerifierLog(byte[] program, byte* license)
    {
        var log = new byte[16 * 1024];
        fixed (byte* insns = program)
        fixed (byte* buf = log)
        {
            var attr = stackalloc byte[AttrSize];
            new Span<byte>(attr, AttrSize).Clear();
            *(uint*)(attr + 0) = ProgTypeCgroupDevice;
            *(uint*)(attr + 4) = (uint)(program.Length / 8);
            *(ulong*)(attr + 8) = (ulong)insns;
            *(ulong*)(attr + 16) = (ulong)license;
            *(uint*)(attr + 24) = 1; // log_level
            *(uint*)(attr + 28) = (uint)log.Length;
            *(ulong*)(attr + 32) = (ulong)buf;
            var fd = Call(ProgLoad, attr);
            if (fd >= 0) Sys.close((int)fd);
        }
        var text = System.Text.Encoding.ASCII.GetString(log).TrimEnd('\0').Trim();
        return text.Length == 0 ? "" : " [verifier: " + text.Replace('\n', ' ') + "]";
    }

    private static void Attach(int cmd, int dirFd, int progFd, uint flags, string call, string subject)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(uint*)(attr + 0) = (uint)dirFd;      // target_fd
        *(uint*)(attr + 4) = (uint)progFd;     // attach_bpf_fd
        *(uint*)(attr + 8) = AttachCgroupDevice;
        *(uint*)(attr + 12) = flags;
        if (Call(cmd, attr) < 0) throw new SyscallException($"bpf({call}, BPF_CGROUP_DEVICE)", subject, Marshal.GetLastPInvokeError());
    }

    /// <summary>The ids of the device programs attached to the cgroup itself (not inherited ones).</summary>
    private static uint[] AttachedDeviceFilters(int dirFd, string subject)
    {
        // A cgroup holds at most 64 programs per attach type; ENOSPC reports the real count.
        var ids = new uint[64];
        while (true)
        {
            fixed (uint* p = ids)
            {
                var attr = stackalloc byte[AttrSize];
                new Span<byte>(attr, AttrSize).Clear();
                *(uint*)(attr + 0) = (uint)dirFd;
                *(uint*)(attr + 4) = AttachCgroupDevice;
                *(ulong*)(attr + 16) = (ulong)p;
                *(uint*)(attr + 24) = (uint)ids.Length;
                var rc = Call(ProgQuery, attr);
                var count = *(uint*)(attr + 24);
                if (rc >= 0) return ids[..(int)count];
                var errno = Marshal.GetLastPInvokeError();
                if (errno != 28 /* ENOSPC */ || count <= ids.Length)
                    throw new SyscallException("bpf(BPF_PROG_QUERY, BPF_CGROUP_DEVICE)", subject, errno);
                ids = new uint[count];
            }
        }
    }

    /// <summary>An fd for an attached program, or -1 when it is gone meanwhile or an LSM hides it from us (runc skips those too).</summary>
    private static int ProgramFd(uint id, string subject)
    {
        var attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(uint*)(attr + 0) = id;
        var fd = Call(ProgGetFdById, attr);
        if (fd >= 0) return (int)fd;
        var errno = Marshal.GetLastPInvokeError();
        if (errno is Errno.ENOENT or Errno.EPERM or 13 /* EACCES */) return -1;
        throw new SyscallException($"bpf(BPF_PROG_GET_FD_BY_ID, {id})", subject, errno);
    }
}
