using System.Runtime.InteropServices;
using Berth.Runtime.Native;
using Berth.Runtime.Oci;

namespace Berth.Runtime.Seccomp;

/// <summary>Compiles an OCI seccomp profile to classic BPF with the system libseccomp.</summary>
public static unsafe partial class SeccompCompiler
{
    private const string Lib = "libseccomp.so.2";

    [LibraryImport(Lib)] private static partial nint seccomp_init(uint defAction);
    [LibraryImport(Lib)] private static partial void seccomp_release(nint ctx);
    [LibraryImport(Lib)] private static partial int seccomp_arch_add(nint ctx, uint arch);
    [LibraryImport(Lib)] private static partial int seccomp_arch_exist(nint ctx, uint arch);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] private static partial uint seccomp_arch_resolve_name(string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] private static partial int seccomp_syscall_resolve_name(string name);
    [LibraryImport(Lib)] private static partial int seccomp_rule_add_array(nint ctx, uint action, int syscall, uint argCount, ArgCmp* args);
    [LibraryImport(Lib)] private static partial int seccomp_export_bpf(nint ctx, int fd);
    [LibraryImport(Lib)] private static partial int seccomp_attr_set(nint ctx, int attr, uint value);
    [LibraryImport(Lib)] private static partial LibVersion* seccomp_version();

    [StructLayout(LayoutKind.Sequential)]
    private struct LibVersion { public uint Major; public uint Minor; public uint Micro; }

    /// <summary>The loaded libseccomp's version: the same profile may compile differently under another one.</summary>
    public static string LibraryVersion
    {
        get
        {
            var v = seccomp_version();
            return v == null ? "unknown" : $"{v->Major}.{v->Minor}.{v->Micro}";
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ArgCmp { public uint Arg; public int Op; public ulong A; public ulong B; }

    private const int SCMP_FLTATR_CTL_NNP = 3;

    /// <summary>Returns the BPF program (an array of struct sock_filter) for the profile.</summary>
    public static byte[] Compile(Oci.Seccomp profile)
    {
        SeccompProfile.Validate(profile);
        var defErrno = profile.DefaultErrnoRet ?? 1;
        var defAction = SeccompProfile.Action(profile.DefaultAction!, profile.DefaultErrnoRet, 1);
        var ctx = seccomp_init(defAction);
        if (ctx == 0) throw new ConfigException("linux.seccomp.defaultAction", "libseccomp refused the default action");
        try
        {
            seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
            foreach (var a in profile.Architectures ?? [])
            {
                var token = seccomp_arch_resolve_name(SeccompProfile.Architectures[a]);
                if (token == 0) throw new ConfigException("linux.seccomp.architectures", $"libseccomp does not know {a}");
                if (seccomp_arch_exist(ctx, token) != 0)
                {
                    var rc = seccomp_arch_add(ctx, token);
                    if (rc < 0 && rc != -Errno.EEXIST) throw new ConfigException("linux.seccomp.architectures", $"seccomp_arch_add({a}): errno {-rc}");
                }
            }
            for (var i = 0; i < (profile.Syscalls?.Count ?? 0); i++)
            {
                var sc = profile.Syscalls![i];
                var action = SeccompProfile.Action(sc.Action!, sc.ErrnoRet, defErrno);
                if (action == defAction) continue; // libseccomp rejects rules equal to the default
                var args = (sc.Args ?? []).Select(a => new ArgCmp { Arg = a.Index, Op = SeccompProfile.Operators[a.Op!], A = a.Value, B = a.ValueTwo }).ToArray();
                foreach (var name in sc.Names!)
                {
                    var nr = seccomp_syscall_resolve_name(name);
                    if (nr == -1) continue; // unknown on this kernel/arch: ignored, as runc does
                    fixed (ArgCmp* p = args)
                    {
                        var rc = seccomp_rule_add_array(ctx, action, nr, (uint)args.Length, args.Length == 0 ? null : p);
                        if (rc < 0) throw new ConfigException($"linux.seccomp.syscalls[{i}]", $"libseccomp rejected the rule for {name}: errno {-rc}");
                    }
                }
            }
            var fd = Errno.Check(Sys.MemfdCreate("berth-seccomp", Sys.MFD_CLOEXEC), "memfd_create", "seccomp");
            try
            {
                var rc = seccomp_export_bpf(ctx, fd);
                if (rc < 0) throw new SyscallException("seccomp_export_bpf", "memfd", -rc);
                return File.ReadAllBytes($"/proc/self/fd/{fd}");
            }
            finally { Sys.close(fd); }
        }
        finally { seccomp_release(ctx); }
    }
}
