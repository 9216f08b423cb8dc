using Berth.Runtime.Oci;

namespace Berth.Runtime.Seccomp;

/// <summary>The OCI seccomp vocabulary: actions, operators, architectures, flags.</summary>
public static class SeccompProfile
{
    public static readonly Dictionary<string, uint> Actions = new()
    {
        ["SCMP_ACT_KILL"] = 0x00000000, ["SCMP_ACT_KILL_THREAD"] = 0x00000000, ["SCMP_ACT_KILL_PROCESS"] = 0x80000000,
        ["SCMP_ACT_TRAP"] = 0x00030000, ["SCMP_ACT_ERRNO"] = 0x00050000, ["SCMP_ACT_TRACE"] = 0x7ff00000,
        ["SCMP_ACT_LOG"] = 0x7ffc0000, ["SCMP_ACT_ALLOW"] = 0x7fff0000,
    };

    public static readonly Dictionary<string, int> Operators = new()
    {
        ["SCMP_CMP_NE"] = 1, ["SCMP_CMP_LT"] = 2, ["SCMP_CMP_LE"] = 3, ["SCMP_CMP_EQ"] = 4,
        ["SCMP_CMP_GE"] = 5, ["SCMP_CMP_GT"] = 6, ["SCMP_CMP_MASKED_EQ"] = 7,
    };

    public static readonly Dictionary<string, string> Architectures = new()
    {
        ["SCMP_ARCH_X86"] = "x86", ["SCMP_ARCH_X86_64"] = "x86_64", ["SCMP_ARCH_X32"] = "x32",
        ["SCMP_ARCH_ARM"] = "arm", ["SCMP_ARCH_AARCH64"] = "aarch64", ["SCMP_ARCH_MIPS"] = "mips",
        ["SCMP_ARCH_MIPS64"] = "mips64", ["SCMP_ARCH_MIPSEL"] = "mipsel", ["SCMP_ARCH_MIPSEL64"] = "mipsel64",
        ["SCMP_ARCH_PPC"] = "ppc", ["SCMP_ARCH_PPC64"] = "ppc64", ["SCMP_ARCH_PPC64LE"] = "ppc64le",
        ["SCMP_ARCH_S390"] = "s390", ["SCMP_ARCH_S390X"] = "s390x", ["SCMP_ARCH_RISCV64"] = "riscv64",
    };

    public static readonly Dictionary<string, uint> Flags = new()
    {
        ["SECCOMP_FILTER_FLAG_TSYNC"] = 1, ["SECCOMP_FILTER_FLAG_LOG"] = 2, ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"] = 4,
    };

    /// <summary>Rejects names we cannot translate, naming the field.</summary>
    public static void Validate(Oci.Seccomp s)
    {
        if (s.DefaultAction == null || !Actions.ContainsKey(s.DefaultAction))
            throw new ConfigException("linux.seccomp.defaultAction", $"\"{s.DefaultAction}\" is not a supported action");
        for (var i = 0; i < (s.Architectures?.Count ?? 0); i++)
            if (!Architectures.ContainsKey(s.Architectures![i]))
                throw new ConfigException($"linux.seccomp.architectures[{i}]", $"\"{s.Architectures[i]}\" is not a known architecture");
        for (var i = 0; i < (s.Flags?.Count ?? 0); i++)
            if (!Flags.ContainsKey(s.Flags![i]))
                throw new ConfigException($"linux.seccomp.flags[{i}]", $"\"{s.Flags[i]}\" is not a supported flag");
        if (!string.IsNullOrEmpty(s.ListenerPath))
            throw new ConfigException("linux.seccomp.listenerPath", "SCMP_ACT_NOTIFY listeners are not supported");
        for (var i = 0; i < (s.Syscalls?.Count ?? 0); i++)
        {
            var sc = s.Syscalls![i];
            if (sc.Names is not { Count: > 0 }) throw new ConfigException($"linux.seccomp.syscalls[{i}].names", "needs at least one name");
            if (sc.Action == null || !Actions.ContainsKey(sc.Action))
                throw new ConfigException($"linux.seccomp.syscalls[{i}].action", $"\"{sc.Action}\" is not a supported action");
            for (var j = 0; j < (sc.Args?.Count ?? 0); j++)
            {
                var a = sc.Args![j];
                if (a.Op == null || !Operators.ContainsKey(a.Op))
                    throw new ConfigException($"linux.seccomp.syscalls[{i}].args[{j}].op", $"\"{a.Op}\" is not a comparison operator");
                if (a.Index > 5) throw new ConfigException($"linux.seccomp.syscalls[{i}].args[{j}].index", $"{a.Index} is not 0..5");
            }
        }
    }

    /// <summary>The action value, with the errno folded in for SCMP_ACT_ERRNO/TRACE.</summary>
    public static uint Action(string name, uint? errnoRet, uint defaultErrno) => name switch
    {
        "SCMP_ACT_ERRNO" => Actions[name] | ((errnoRet ?? defaultErrno) & 0xffff),
        "SCMP_ACT_TRACE" => Actions[name] | ((errnoRet ?? defaultErrno) & 0xffff),
        _ => Actions[name],
    };

    /// <summary>Kernel flag bits for linux.seccomp.flags.</summary>
    public static uint KernelFlags(Oci.Seccomp s) => (s.Flags ?? []).Aggregate(0u, (acc, f) => acc | Flags[f]);
}
