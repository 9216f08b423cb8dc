using System.Globalization;
using System.Net.Sockets;
using Berth.Shim.Logging;
using Berth.Runtime.Native;
using Berth.Shim.Protocol;

namespace Berth.Shim.Monitor;

/// <summary>
/// The container's lifecycle as one shim sees it: create (holding stdio or the pty master), start,
/// signals, reaping init, the exit file, and delete at shutdown.
/// </summary>
internal sealed class ContainerMonitor
{
    /// <summary>How long output may keep flowing after init died (a pipe held by a process outside the container).</summary>
    private static readonly TimeSpan DrainAfterExit = TimeSpan.FromSeconds(5);

    /// <summary>runc sends the pty master before `create` returns; this only bounds a runtime that never does.</summary>
    private static readonly TimeSpan ConsoleWait = TimeSpan.FromSeconds(10);

    private readonly ShimArguments _args;
    private readonly ShimPaths _paths;
    private readonly RuntimeCli _runtime;
    private readonly object _gate = new();
    private readonly TaskCompletionSource<ExitStatus> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ContainerIo? _io;
    private OutputHub? _hub;
    private OomProbe? _oom;
    private string _status = "creating";
    private int _pid, _pidfd = -1;
    private bool _startRequested;
    private string? _startedAt, _startError;
    private Task<string?>? _delete;

    public ContainerMonitor(ShimArguments args, Reaper reaper)
    {
        _args = args;
        _paths = args.Paths;
        _runtime = new RuntimeCli(args.Runtime, args.RuntimeRoot, _paths.RuntimeLog, reaper);
        Reaper = reaper;
        Execs = new ExecTable(_runtime, reaper, args.Id, _paths.StateDir);
    }

    private Reaper Reaper { get; }
    public ContainerIo Io => _io ?? throw new InvalidOperationException("container not created");
    public OutputHub Hub => _hub ?? throw new InvalidOperationException("container not created");
    public bool StdinOnce => _args.StdinOnce;

    /// <summary>The container's execs (docker exec).</summary>
    public ExecTable Execs { get; }

    /// <summary>An exec can start only in a running container (docker: "Container … is not running").</summary>
    public string? ExecRefusal()
    {
        lock (_gate) return _status == ShimStatus.Running ? null : $"container is {_status}: exec needs a running container";
    }
    public Task<ExitStatus> Exited => _exited.Task;

    /// <summary>`runtime create`; on failure the exit file records the runtime's message and docker's exit code.</summary>
    public async Task<string?> Create()
    {
        var terminal = BundleConfig.WantsTerminal(_args.Bundle);
        try
        {
            // Opened first: a bad log path must fail before there is a container to look after.
            _hub = new OutputHub(_args.LogPath != null ? new JsonFileLog(_args.LogPath, _args.Rotation) : null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var message = $"cannot open the container log {_args.LogPath}: {e.Message}";
            RecordFailure(message);
            return message;
        }
        var io = ContainerIo.Create(terminal, _args.Stdin);
        SocketServer? console = terminal ? new SocketServer(_paths.ConsoleSocket) : null;
        using var consoleCancel = new CancellationTokenSource();
        var master = console != null ? ReceiveMaster(console, consoleCancel.Token) : null;
        var args = new List<string> { "create", "--bundle", _args.Bundle, "--pid-file", _paths.PidFile };
        if (console != null) args.AddRange(["--console-socket", _paths.ConsoleSocket]);
        args.Add(_args.Id);
        try
        {
            if (File.Exists(_paths.PidFile)) File.Delete(_paths.PidFile);
            // A shim killed with -9 left its run's runtime state behind (the daemon killed the processes): without this,
            // create fails with "already exists" and the container could never start again.
            if (_args.RuntimeRoot != null && Directory.Exists(Path.Combine(_args.RuntimeRoot, _args.Id))) await DeleteQuietly();
            await _runtime.Run(args, io.RuntimeStdio);
            if (master != null) io.UseMaster(await master.WaitAsync(ConsoleWait));
        }
        catch (Exception e) when (e is RuntimeFailure or IOException or TimeoutException)
        {
            var message = e is TimeoutException ? "the runtime created the container but sent no terminal over the console socket" : e.Message;
            consoleCancel.Cancel();
            io.CloseChildEnds();
            console?.Dispose();
            await DeleteQuietly();
            RecordFailure(message);
            return message;
        }
        finally
        {
            io.CloseChildEnds();
            console?.Dispose();
        }

        var pid = int.Parse(File.ReadAllText(_paths.PidFile).Trim(), CultureInfo.InvariantCulture);
        var initExit = Reaper.WaitFor(pid);
        lock (_gate)
        {
            _pid = pid;
            try
            {
                _pidfd = Processes.OpenPidfd(pid);
            }
            catch (IOException)
            {
                _pidfd = -1; // init died already; WatchExit records how
            }
            _status = ShimStatus.Created;
        }
        _oom = OomProbe.For(pid);
        _io = io;
        io.StartReaders(_hub);
        _ = io.Drained.ContinueWith(_ => _hub.End(), TaskScheduler.Default);
        _ = WatchExit(initExit);
        return null;
    }

    private static async Task<int> ReceiveMaster(SocketServer console, CancellationToken ct)
    {
        using var conn = await console.AcceptOne(ct);
        return Terminal.ReceiveFd((int)conn.Handle, "console socket");
    }

    /// <summary>`runtime start`; null on success, else the reason (a failed start kills init, and the exit file carries the message).</summary>
    public async Task<string?> Start()
    {
        lock (_gate)
        {
            if (_startRequested || _status != ShimStatus.Created)
                return _status == ShimStatus.Stopped ? "container has already stopped" : "container is already started";
            _startRequested = true;
        }
        var devnull = Fd.OpenDevNull();
        try
        {
            await _runtime.Run(["start", _args.Id], new ChildStdio(devnull, devnull, devnull));
            lock (_gate)
            {
                _startedAt = Rfc3339.Now();
                if (_status == ShimStatus.Created) _status = ShimStatus.Running;
            }
            return null;
        }
        catch (RuntimeFailure e)
        {
            lock (_gate)
            {
                _startError = e.Message;
                if (_pidfd >= 0) Processes.Signal(_pidfd, 9);
            }
            await Exited;
            return e.Message;
        }
        finally
        {
            Fd.Close(ref devnull);
        }
    }

    /// <summary>Signals init (through its pidfd), or every process of the container with <paramref name="all"/>.</summary>
    public async Task<string?> Kill(int signal, bool all)
    {
        if (signal is < 1 or > 64) return $"invalid signal {signal}";
        lock (_gate)
        {
            if (_status == ShimStatus.Stopped || _pidfd < 0) return "container is not running";
            if (!all) return Processes.Signal(_pidfd, signal) ? null : "container is not running";
        }
        var devnull = Fd.OpenDevNull();
        try
        {
            await _runtime.Run(["kill", "--all", _args.Id, signal.ToString(CultureInfo.InvariantCulture)], new ChildStdio(devnull, devnull, devnull));
            return null;
        }
        catch (RuntimeFailure e)
        {
            return e.Message;
        }
        finally
        {
            Fd.Close(ref devnull);
        }
    }

    public ShimState State()
    {
        lock (_gate)
            return new ShimState(_args.Id, Processes.Self, _pid, _status, _io?.Terminal ?? false, _startedAt,
                _exited.Task.IsCompletedSuccessfully ? _exited.Task.Result : null);
    }

    /// <summary>After exit (or with force, after SIGKILL and exit): `runtime delete`.</summary>
    public async Task<string?> Shutdown(bool force)
    {
        lock (_gate)
        {
            if (_status != ShimStatus.Stopped)
            {
                if (!force) return $"container is {_status}: stop it first or shut down with force";
                if (_pidfd >= 0) Processes.Signal(_pidfd, 9);
            }
        }
        await Exited;
        try
        {
            return await Delete();
        }
        finally
        {
            _hub?.DisposeLog();
        }
    }

    /// <summary>
    /// `runtime delete`, run once. It starts as soon as init's exit is recorded, not when the daemon asks for the
    /// shutdown: the daemon always shuts a stopped container's shim down, and `docker run --rm` waits for that.
    /// </summary>
    private Task<string?> Delete()
    {
        lock (_gate) return _delete ??= Task.Run(RunDelete);
    }

    private async Task<string?> RunDelete()
    {
        var devnull = Fd.OpenDevNull();
        try
        {
            await _runtime.Run(["delete", "--force", _args.Id], new ChildStdio(devnull, devnull, devnull));
            return null;
        }
        catch (RuntimeFailure e)
        {
            return e.Message;
        }
        finally
        {
            Fd.Close(ref devnull);
        }
    }

    private async Task WatchExit(Task<ChildExit> initExit)
    {
        try
        {
            await RecordExit(await initExit);
        }
        catch (Exception e)
        {
            // Waiters must not hang forever on a bug here: they get the error instead.
            Console.Error.WriteLine($"berth-shim: recording the exit failed: {e}");
            _exited.TrySetException(e);
        }
    }

    private async Task RecordExit(ChildExit exit)
    {
        var io = Io;
        await Task.WhenAny(io.Drained, Task.Delay(DrainAfterExit));
        var oom = _oom?.OomKilled() ?? false;
        ExitStatus status;
        lock (_gate)
        {
            status = _startError != null
                ? new ExitStatus(RuntimeErrors.ExitCodeFor(_startError), null, Rfc3339.Now(), oom, _startError)
                : new ExitStatus(exit.ExitCode, exit.Signal, Rfc3339.Now(), oom);
        }
        Publish(status);
        Hub.End();
        _ = Delete();
    }

    private void RecordFailure(string message) =>
        Publish(new ExitStatus(RuntimeErrors.ExitCodeFor(message), null, Rfc3339.Now(), false, message));

    private void Publish(ExitStatus status)
    {
        try
        {
            ExitFile.Write(_args.ExitFilePath, status);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Connected clients still learn the status; only a reconnect after our death would miss it.
            Console.Error.WriteLine($"berth-shim: cannot write the exit file: {e.Message}");
        }
        lock (_gate)
        {
            _status = ShimStatus.Stopped;
            Fd.Close(ref _pidfd);
        }
        _exited.TrySetResult(status);
    }

    private async Task DeleteQuietly()
    {
        var devnull = Fd.OpenDevNull();
        try
        {
            await _runtime.Run(["delete", "--force", _args.Id], new ChildStdio(devnull, devnull, devnull));
        }
        catch (RuntimeFailure)
        {
            // Nothing was left to delete.
        }
        finally
        {
            Fd.Close(ref devnull);
        }
    }
}
