using System.Runtime.InteropServices;
using System.Text;

namespace Berth.Shim.Native;

/// <summary>What a spawned child gets as fds 0, 1 and 2 (fd numbers in this process).</summary>
internal readonly record struct ChildStdio(int Stdin, int Stdout, int Stderr);

/// <summary>posix_spawn with clean signal state: every signal at its default, nothing blocked.</summary>
/// <remarks>.NET ignores SIGPIPE and a spawned child would inherit that; containers must not.</remarks>
internal static unsafe class Spawn
{
    private const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;

    /// <summary>
    /// Starts <paramref name="path"/> with <paramref name="args"/> (args[0] included); returns the pid. With
    /// <paramref name="umask"/>, the child gets that mask instead of the shim's own (see <see cref="ThreadUmask"/>).
    /// </summary>
    public static int Start(string path, IReadOnlyList<string> args, ChildStdio stdio, bool newSession = false, uint? umask = null) =>
        umask is { } mask ? ThreadUmask.Run(mask, () => StartHere(path, args, stdio, newSession)) : StartHere(path, args, stdio, newSession);

    private static int StartHere(string path, IReadOnlyList<string> args, ChildStdio stdio, bool newSession)
    {
        var fa = stackalloc byte[256];
        var attr = stackalloc byte[512];
        var sigs = stackalloc byte[256];
        Check(Libc.posix_spawn_file_actions_init(fa), "posix_spawn_file_actions_init", path);
        Check(Libc.posix_spawnattr_init(attr), "posix_spawnattr_init", path);
        var strings = new List<nint>();
        try
        {
            // dup2 onto 0..2 clears FD_CLOEXEC on the target; every other fd of ours is O_CLOEXEC.
            Check(Libc.posix_spawn_file_actions_adddup2(fa, stdio.Stdin, 0), "posix_spawn_file_actions_adddup2", path);
            Check(Libc.posix_spawn_file_actions_adddup2(fa, stdio.Stdout, 1), "posix_spawn_file_actions_adddup2", path);
            Check(Libc.posix_spawn_file_actions_adddup2(fa, stdio.Stderr, 2), "posix_spawn_file_actions_adddup2", path);
            Libc.sigfillset(sigs);
            Libc.sigdelset(sigs, 9);
            Libc.sigdelset(sigs, 19);
            Check(Libc.posix_spawnattr_setsigdefault(attr, sigs), "posix_spawnattr_setsigdefault", path);
            Libc.sigemptyset(sigs);
            Check(Libc.posix_spawnattr_setsigmask(attr, sigs), "posix_spawnattr_setsigmask", path);
            var flags = (short)(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (newSession ? POSIX_SPAWN_SETSID : 0));
            Check(Libc.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags", path);

            var argv = stackalloc byte*[args.Count + 1];
            for (var i = 0; i < args.Count; i++) argv[i] = Utf8(args[i], strings);
            argv[args.Count] = null;
            var env = Environment.GetEnvironmentVariables();
            var envp = stackalloc byte*[env.Count + 1];
            var n = 0;
            foreach (System.Collections.DictionaryEntry e in env) envp[n++] = Utf8($"{e.Key}={e.Value}", strings);
            envp[n] = null;

            int pid;
            var rc = Libc.posix_spawn(&pid, Utf8(path, strings), fa, attr, argv, envp);
            if (rc != 0) throw Errno.Fail("posix_spawn", path, rc);
            return pid;
        }
        finally
        {
            Libc.posix_spawn_file_actions_destroy(fa);
            Libc.posix_spawnattr_destroy(attr);
            foreach (var p in strings) Marshal.FreeHGlobal(p);
        }
    }

    private static byte* Utf8(string s, List<nint> owned)
    {
        var bytes = Encoding.UTF8.GetByteCount(s);
        var p = (byte*)Marshal.AllocHGlobal(bytes + 1);
        owned.Add((nint)p);
        fixed (char* c = s) Encoding.UTF8.GetBytes(c, s.Length, p, bytes);
        p[bytes] = 0;
        return p;
    }

    private static void Check(int rc, string call, string path)
    {
        if (rc != 0) throw Errno.Fail(call, path, rc);
    }
}
