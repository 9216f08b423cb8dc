using System.Text.Json;
using Berth.Runtime.Oci;

namespace Berth.Runtime.Containers;

/// <summary>The state directory tree under --root: one directory per container id.</summary>
public sealed class ContainerStore(string root)
{
    public string Root { get; } = root;

    public string Dir(string id) => Path.Combine(Root, id);
    public string FifoPath(string id) => Path.Combine(Dir(id), "exec.fifo");
    private string StatePath(string id) => Path.Combine(Dir(id), "state.json");

    // ^[A-Za-z0-9][A-Za-z0-9_.+-]{0,1023}$, checked by hand: building a Regex costs ~1 ms at start-up.
    private static bool IsValidId(string id) =>
        id.Length is > 0 and <= 1024 && char.IsAsciiLetterOrDigit(id[0]) &&
        id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '+' or '-');

    /// <summary>Rejects ids that could escape the root or confuse tools.</summary>
    public static void CheckId(string id)
    {
        if (string.IsNullOrEmpty(id)) throw new RuntimeError("container id cannot be empty");
        if (!IsValidId(id)) throw new RuntimeError($"invalid container id \"{id}\": use letters, digits, _ . + -");
    }

    /// <summary>
    /// Creates the root with runc's mode, 0700: the states in it carry whole specs, environments included (each
    /// container's dir is 0711 and its state.json 0600, also runc's). Returns the root.
    /// </summary>
    public string CreateRoot()
    {
        Directory.CreateDirectory(Root, Native.ExactMode.Dir0700);
        return Root;
    }

    /// <summary>Reserves the id: creates its directory, failing when it exists.</summary>
    public void Reserve(string id)
    {
        CheckId(id);
        CreateRoot();
        var dir = Dir(id);
        // mkdir(2) is the atomic "is this id taken" test.
        if (Mkdir(dir) != 0)
        {
            var errno = Native.Errno.Last;
            if (errno == Native.Errno.EEXIST) throw new RuntimeError($"container \"{id}\" already exists");
            throw new Native.SyscallException("mkdir", dir, errno);
        }
    }

    private static int Mkdir(string path) => Native.Sys.mkdir(path, 0x1c9 /* 0711 */);

    public void Save(ContainerRecord r)
    {
        Native.ExactMode.WriteFile(StatePath(r.Id), JsonSerializer.SerializeToUtf8Bytes(r, OciJsonContext.Default.ContainerRecord),
            Native.ExactMode.File0600);
    }

    /// <summary>Loads a container, or throws "container does not exist".</summary>
    public ContainerRecord Load(string id)
    {
        CheckId(id);
        var path = StatePath(id);
        if (!File.Exists(path)) throw new RuntimeError($"container \"{id}\" does not exist");
        return JsonSerializer.Deserialize(File.ReadAllText(path), OciJsonContext.Default.ContainerRecord)
               ?? throw new RuntimeError($"{path} is empty");
    }

    public bool Exists(string id) => File.Exists(StatePath(id));

    public IEnumerable<string> Ids() =>
        Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root).Select(Path.GetFileName).Where(n => n != null && File.Exists(StatePath(n))).Select(n => n!).Order()
            : [];

    public void Remove(string id)
    {
        var dir = Dir(id);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
