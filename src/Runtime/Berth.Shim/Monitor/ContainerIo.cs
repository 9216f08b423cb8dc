using Berth.Runtime.Native;
using Berth.Shim.Protocol;

namespace Berth.Shim.Monitor;

/// <summary>
/// The container's stdio as the shim holds it: pipes (stdin write end, stdout/stderr read ends),
/// or the pty master received over the console socket. Reads run on two dedicated threads.
/// </summary>
internal sealed class ContainerIo
{
    private readonly object _stdinGate = new();
    private int _stdin = -1, _stdout = -1, _stderr = -1, _master = -1;
    private int _childStdin = -1, _childStdout = -1, _childStderr = -1;
    private bool _stdinClosed;

    public bool Terminal { get; }
    public bool HasStdin { get; }

    /// <summary>What the runtime's `create` gets as fds 0-2 (the container init inherits them without a terminal).</summary>
    public ChildStdio RuntimeStdio => new(_childStdin, _childStdout, _childStderr);

    /// <summary>Completes when every output stream has reached end of file.</summary>
    public Task Drained => _drained.Task;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ContainerIo(bool terminal, bool stdin)
    {
        Terminal = terminal;
        HasStdin = stdin;
        if (terminal)
        {
            // The runtime sends the pty master over the console socket; its own stdio matters not.
            _childStdin = _childStdout = _childStderr = Fd.OpenDevNull();
            return;
        }
        if (stdin) (_childStdin, _stdin) = Fd.Pipe("stdin");
        else _childStdin = Fd.OpenDevNull();
        (_stdout, _childStdout) = Fd.Pipe("stdout");
        (_stderr, _childStderr) = Fd.Pipe("stderr");
    }

    public static ContainerIo Create(bool terminal, bool stdin) => new(terminal, stdin);

    /// <summary>After `create`: only the container keeps the child ends, so EOF arrives when it is done with them.</summary>
    public void CloseChildEnds()
    {
        if (Terminal)
        {
            Fd.Close(ref _childStdin);
            _childStdout = _childStderr = -1;
            return;
        }
        Fd.Close(ref _childStdin);
        Fd.Close(ref _childStdout);
        Fd.Close(ref _childStderr);
    }

    public void UseMaster(int master) => _master = master;

    /// <summary>
    /// Starts one reader thread per output stream. A pipe's read end is closed at its end of file (a shim that runs many
    /// execs and probes must not keep their fds); the pty master stays, input and resize still use it.
    /// </summary>
    public void StartReaders(IOutputSink sink)
    {
        var streams = Terminal
            ? new[] { (_master, AttachStream.Stdout) }
            : new[] { (_stdout, AttachStream.Stdout), (_stderr, AttachStream.Stderr) };
        var remaining = streams.Length;
        foreach (var (fd, stream) in streams)
        {
            new Thread(() =>
            {
                Pump(fd, stream, sink);
                if (!Terminal) Fd.Close(fd);
                if (Interlocked.Decrement(ref remaining) == 0) _drained.TrySetResult();
            }) { IsBackground = true, Name = "read-" + stream }.Start();
        }
    }

    private static void Pump(int fd, AttachStream stream, IOutputSink sink)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                var n = Fd.Read(fd, buffer, stream.ToString().ToLowerInvariant());
                if (n == 0) break;
                sink.Publish(stream, buffer.AsSpan(0, n));
            }
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"berth-shim: {e.Message}");
        }
        sink.StreamEnded(stream);
    }

    /// <summary>Delivers attach input; dropped when the container has no stdin or it was closed.</summary>
    public void WriteStdin(ReadOnlySpan<byte> data)
    {
        lock (_stdinGate)
        {
            var fd = Terminal ? _master : _stdin;
            if (!HasStdin || _stdinClosed || fd < 0) return;
            try
            {
                Fd.WriteAll(fd, data, "container stdin");
            }
            catch (IOException)
            {
                // The container closed its stdin (EPIPE) or the terminal hung up: input has nowhere to go.
                _stdinClosed = true;
            }
        }
    }

    /// <summary>The container sees EOF on stdin. With a terminal, input simply stops (the pty stays).</summary>
    public void CloseStdin()
    {
        lock (_stdinGate)
        {
            _stdinClosed = true;
            Fd.Close(ref _stdin);
        }
    }

    public void Resize(ushort rows, ushort cols)
    {
        if (!Terminal || _master < 0) throw new InvalidOperationException("the container has no terminal");
        Berth.Runtime.Native.Terminal.Resize(_master, rows, cols);
    }
}
