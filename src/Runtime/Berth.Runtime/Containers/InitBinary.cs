using Berth.Runtime.Native;

namespace Berth.Runtime.Containers;

/// <summary>
/// The C init, executed from a sealed memfd copy: a container that gets hold of the init
/// (via /proc/&lt;pid&gt;/exe) can never rewrite the binary on the host (CVE-2019-5736).
/// </summary>
public static unsafe class InitBinary
{
    public const string FileName = "berth-runtime-init";

    /// <summary>BERTH_RUNTIME_INIT, else berth-runtime-init next to the running executable.</summary>
    public static string Locate()
    {
        var env = Environment.GetEnvironmentVariable("BERTH_RUNTIME_INIT");
        if (!string.IsNullOrEmpty(env)) return env;
        var dir = Path.GetDirectoryName(Environment.ProcessPath) ?? AppContext.BaseDirectory;
        var path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) path = Path.Combine(AppContext.BaseDirectory, FileName);
        return File.Exists(path) ? path : throw new RuntimeError($"{FileName} not found next to {Environment.ProcessPath}");
    }

    /// <summary>Copies the init into a sealed memfd (close-on-exec) and returns its fd.</summary>
    public static int SealedCopy(string path)
    {
        var src = Errno.Check(Sys.open(path, Sys.O_RDONLY | Sys.O_CLOEXEC, 0), "open", path);
        try
        {
            var mfd = Errno.Check(Sys.MemfdCreate(FileName, Sys.MFD_CLOEXEC | Sys.MFD_ALLOW_SEALING), "memfd_create", FileName);
            var size = new FileInfo(path).Length;
            long off = 0;
            while (off < size)
            {
                var n = Sys.sendfile(mfd, src, &off, (nint)(size - off));
                if (n <= 0) { Sys.close(mfd); throw new SyscallException("sendfile", path, System.Runtime.InteropServices.Marshal.GetLastPInvokeError()); }
            }
            Errno.Check(Sys.fcntl(mfd, Sys.F_ADD_SEALS, Sys.F_SEAL_SEAL | Sys.F_SEAL_SHRINK | Sys.F_SEAL_GROW | Sys.F_SEAL_WRITE),
                "fcntl(F_ADD_SEALS)", FileName);
            return mfd;
        }
        finally { Sys.close(src); }
    }
}
