namespace Berth.Runtime.Mounts;

/// <summary>mount(2) flags from the OCI option table; unknown options become filesystem data.</summary>
public sealed record MountOptions(uint Flags, uint Propagation, string Data)
{
    public const uint MsRdonly = 1, MsNosuid = 2, MsNodev = 4, MsNoexec = 8, MsSynchronous = 16, MsRemount = 32,
        MsMandlock = 64, MsDirsync = 128, MsNoatime = 1024, MsNodiratime = 2048, MsBind = 4096, MsMove = 8192,
        MsRec = 16384, MsSilent = 32768, MsUnbindable = 1 << 17, MsPrivate = 1 << 18, MsSlave = 1 << 19,
        MsShared = 1 << 20, MsRelatime = 1 << 21, MsStrictatime = 1 << 24, MsLazytime = 1 << 25;

    public bool IsBind => (Flags & MsBind) != 0;
    public bool IsReadonly => (Flags & MsRdonly) != 0;

    // (name, set?, flag)
    private static readonly Dictionary<string, (bool Set, uint Flag)> FlagTable = new()
    {
        ["ro"] = (true, MsRdonly), ["rw"] = (false, MsRdonly),
        ["nosuid"] = (true, MsNosuid), ["suid"] = (false, MsNosuid),
        ["nodev"] = (true, MsNodev), ["dev"] = (false, MsNodev),
        ["noexec"] = (true, MsNoexec), ["exec"] = (false, MsNoexec),
        ["sync"] = (true, MsSynchronous), ["async"] = (false, MsSynchronous),
        ["dirsync"] = (true, MsDirsync), ["remount"] = (true, MsRemount),
        ["mand"] = (true, MsMandlock), ["nomand"] = (false, MsMandlock),
        ["atime"] = (false, MsNoatime), ["noatime"] = (true, MsNoatime),
        ["diratime"] = (false, MsNodiratime), ["nodiratime"] = (true, MsNodiratime),
        ["bind"] = (true, MsBind), ["rbind"] = (true, MsBind | MsRec),
        ["relatime"] = (true, MsRelatime), ["norelatime"] = (false, MsRelatime),
        ["strictatime"] = (true, MsStrictatime), ["nostrictatime"] = (false, MsStrictatime),
        ["lazytime"] = (true, MsLazytime), ["nolazytime"] = (false, MsLazytime),
        ["silent"] = (true, MsSilent), ["loud"] = (false, MsSilent),
        ["defaults"] = (false, 0),
    };

    private static readonly Dictionary<string, uint> PropagationTable = new()
    {
        ["private"] = MsPrivate, ["rprivate"] = MsPrivate | MsRec,
        ["shared"] = MsShared, ["rshared"] = MsShared | MsRec,
        ["slave"] = MsSlave, ["rslave"] = MsSlave | MsRec,
        ["unbindable"] = MsUnbindable, ["runbindable"] = MsUnbindable | MsRec,
    };

    /// <summary>Names every option this parser understands (for `features`).</summary>
    public static IEnumerable<string> Known => FlagTable.Keys.Concat(PropagationTable.Keys);

    /// <summary>Translates an option list; `type` "bind" implies MS_BIND as runc does.</summary>
    public static MountOptions Parse(IEnumerable<string>? options, string? type = null)
    {
        uint flags = type == "bind" ? MsBind : 0, prop = 0;
        var data = new List<string>();
        foreach (var o in options ?? [])
        {
            if (FlagTable.TryGetValue(o, out var f))
                flags = f.Set ? flags | f.Flag : flags & ~f.Flag;
            else if (PropagationTable.TryGetValue(o, out var p))
                prop = p;
            else
                data.Add(o);
        }
        return new MountOptions(flags, prop, string.Join(',', data));
    }

    /// <summary>A propagation name of linux.rootfsPropagation, or null when unknown.</summary>
    public static uint? PropagationFlag(string name) => PropagationTable.TryGetValue(name, out var p) ? p : null;
}
