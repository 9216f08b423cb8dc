using System.Runtime.InteropServices;
using System.Text;

namespace Berth.Runtime.Native;

/// <summary>What a spawned child gets as fds 0, 1 and 2 (fd numbers in this process).</summary>
public readonly record struct ChildStdio(int Stdin, int Stdout, int Stderr)
{
    /// <summary>The child's fds 0-2 as a map for <see cref="Spawner.Spawn(string, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyDictionary{int, int}, bool)"/>.</summary>
    public IReadOnlyDictionary<int, int> FdMap => new Dictionary<int, int> { [0] = Stdin, [1] = Stdout, [2] = Stderr };
}

/// <summary>
/// The one way berth starts a program: posix_spawn with chosen fds at chosen numbers, every signal at its default
/// and none blocked (.NET ignores SIGPIPE, and a child must not inherit that), and never a fork of the managed runtime.
/// </summary>
public static unsafe class Spawner
{
    /// <summary>
    /// Spawns <paramref name="path"/> with <paramref name="argv"/> (argv[0] included) and <paramref name="envp"/>
    /// (null: this process's environment); <paramref name="fdMap"/> maps child fd numbers to our fds, every other fd of
    /// ours is close-on-exec. <paramref name="newSession"/> makes the child a session leader (setsid). Returns its pid.
    /// </summary>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string>? envp, IReadOnlyDictionary<int, int> fdMap,
        bool newSession = false)
    {
        var fa = NativeMemory.AllocZeroed(1024);
        var attr = NativeMemory.AllocZeroed(1024);
        var sigs = NativeMemory.AllocZeroed(256);
        var moved = new List<int>();
        try
        {
            Check(Sys.posix_spawn_file_actions_init(fa), "posix_spawn_file_actions_init", path);
            Check(Sys.posix_spawnattr_init(attr), "posix_spawnattr_init", path);
            Sys.sigfillset(sigs);
            Sys.sigdelset(sigs, 9);   // SIGKILL and SIGSTOP cannot be changed
            Sys.sigdelset(sigs, 19);
            Check(Sys.posix_spawnattr_setsigdefault(attr, sigs), "posix_spawnattr_setsigdefault", path);
            Sys.sigemptyset(sigs);
            Check(Sys.posix_spawnattr_setsigmask(attr, sigs), "posix_spawnattr_setsigmask", path);
            var flags = (short)(Sys.POSIX_SPAWN_SETSIGDEF | Sys.POSIX_SPAWN_SETSIGMASK | (newSession ? Sys.POSIX_SPAWN_SETSID : 0));
            Check(Sys.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags", path);
            // Move sources above every target first, so one dup2 cannot clobber another's source; dup2 onto the
            // target clears its close-on-exec.
            var floor = fdMap.Count == 0 ? 3 : Math.Max(3, fdMap.Keys.Max() + 1);
            foreach (var (target, source) in fdMap)
            {
                var high = Errno.Check(Sys.fcntl(source, Sys.F_DUPFD_CLOEXEC, floor), "fcntl(F_DUPFD_CLOEXEC)", source.ToString());
                moved.Add(high);
                Check(Sys.posix_spawn_file_actions_adddup2(fa, high, target), "posix_spawn_file_actions_adddup2", path);
            }
            using var args = new CStrings(argv);
            using var env = new CStrings(envp ?? CurrentEnvironment());
            var pathBytes = Sys.Z(path);
            int pid;
            fixed (byte* p = pathBytes)
                Check(Sys.posix_spawn(&pid, p, fa, attr, args.Pointer, env.Pointer), "posix_spawn", path);
            return pid;
        }
        finally
        {
            foreach (var fd in moved) Sys.close(fd);
            Sys.posix_spawn_file_actions_destroy(fa);
            Sys.posix_spawnattr_destroy(attr);
            NativeMemory.Free(fa);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigs);
        }
    }

    /// <summary>
    /// Spawns with <paramref name="stdio"/> as fds 0-2 and this process's environment. With <paramref name="umask"/>, the
    /// child gets that file-creation mask instead of ours (see <see cref="Umask.OnOwnThread{T}"/>).
    /// </summary>
    public static int Spawn(string path, IReadOnlyList<string> argv, ChildStdio stdio, bool newSession = false, uint? umask = null) =>
        umask is { } mask
            ? Umask.OnOwnThread(mask, () => Spawn(path, argv, null, stdio.FdMap, newSession))
            : Spawn(path, argv, null, stdio.FdMap, newSession);

    private static List<string> CurrentEnvironment()
    {
        var list = new List<string>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables()) list.Add($"{e.Key}={e.Value}");
        return list;
    }

    // posix_spawn and its helpers return the error number itself.
    private static void Check(int rc, string call, string subject)
    {
        if (rc != 0) throw new SyscallException(call, subject, rc);
    }

    /// <summary>A NULL-terminated char*[] in native memory.</summary>
    private sealed class CStrings : IDisposable
    {
        private readonly nint[] _items;
        public byte** Pointer { get; }

        public CStrings(IReadOnlyList<string> strings)
        {
            _items = new nint[strings.Count];
            Pointer = (byte**)NativeMemory.AllocZeroed((nuint)(strings.Count + 1), (nuint)sizeof(nint));
            for (var i = 0; i < strings.Count; i++)
            {
                var bytes = Encoding.UTF8.GetBytes(strings[i] + "\0");
                _items[i] = (nint)NativeMemory.Alloc((nuint)bytes.Length);
                bytes.CopyTo(new Span<byte>((void*)_items[i], bytes.Length));
                Pointer[i] = (byte*)_items[i];
            }
        }

        public void Dispose()
        {
            foreach (var p in _items) NativeMemory.Free((void*)p);
            NativeMemory.Free(Pointer);
        }
    }
}
