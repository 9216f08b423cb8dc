using System.Runtime.InteropServices;
using System.Text;

namespace Berth.Runtime.Native;

/// <summary>
/// Starts programs with posix_spawn: chosen fds at chosen numbers, all signals at their
/// defaults, an empty mask, and never a fork of the managed runtime.
/// </summary>
public static unsafe class Spawner
{
    /// <summary>Spawns path with argv/envp; fdMap maps child fd numbers to our fds.</summary>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp, IReadOnlyDictionary<int, int> fdMap)
    {
        var fa = NativeMemory.AllocZeroed(1024);
        var attr = NativeMemory.AllocZeroed(1024);
        var sigs = NativeMemory.AllocZeroed(256);
        var moved = new List<int>();
        try
        {
            Sys.posix_spawn_file_actions_init(fa);
            Sys.posix_spawnattr_init(attr);
            Sys.sigfillset(sigs);
            Sys.posix_spawnattr_setsigdefault(attr, sigs);
            Sys.sigemptyset(sigs);
            Sys.posix_spawnattr_setsigmask(attr, sigs);
            Sys.posix_spawnattr_setflags(attr, Sys.POSIX_SPAWN_SETSIGDEF | Sys.POSIX_SPAWN_SETSIGMASK);
            // Move sources above every target first, so one dup2 cannot clobber another's source.
            var floor = fdMap.Count == 0 ? 0 : fdMap.Keys.Max() + 1;
            foreach (var (target, source) in fdMap)
            {
                var high = Errno.Check(Sys.fcntl(source, 1030 /* F_DUPFD_CLOEXEC */, floor), "fcntl(F_DUPFD_CLOEXEC)", source.ToString());
                moved.Add(high);
                Check(Sys.posix_spawn_file_actions_adddup2(fa, high, target), "posix_spawn_file_actions_adddup2", path);
            }
            using var args = new CStrings(argv);
            using var env = new CStrings(envp);
            var pathBytes = Encoding.UTF8.GetBytes(path + "\0");
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

    private static void Check(int rc, string call, string subject)
    {
        if (rc != 0) throw new SyscallException(call, subject, rc);
    }

    /// <summary>waitpid that retries on EINTR; returns the raw status.</summary>
    public static int Wait(int pid)
    {
        int status;
        while (true)
        {
            var rc = Sys.waitpid(pid, &status, 0);
            if (rc == pid) return status;
            var errno = Marshal.GetLastPInvokeError();
            if (rc < 0 && errno == Errno.EINTR) continue;
            throw new SyscallException("waitpid", pid.ToString(), errno);
        }
    }

    /// <summary>Shell-style exit code: the exit status, or 128+signal.</summary>
    public static int ExitCode(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

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
