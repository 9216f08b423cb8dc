using Berth.Shim.Logging;
using Berth.Shim.Protocol;

namespace Berth.Shim.Monitor;

/// <summary>Where the reader threads of a <see cref="ContainerIo"/> deliver output.</summary>
internal interface IOutputSink
{
    void Publish(AttachStream stream, ReadOnlySpan<byte> data);

    /// <summary>One output stream reached end of file.</summary>
    void StreamEnded(AttachStream stream);
}

/// <summary>
/// Fans container output out to the json-file log and to every attached client, in one order.
/// Output produced while nobody is attached goes only to the log (docker semantics).
/// </summary>
internal sealed class OutputHub(JsonFileLog? log) : IOutputSink
{
    private readonly object _gate = new();
    private readonly List<AttachSession> _sessions = new();
    private bool _ended;

    public void Publish(AttachStream stream, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            log?.Write(stream, data);
            foreach (var s in _sessions)
                s.Send(stream, data);
        }
    }

    /// <summary>One output stream reached end of file.</summary>
    public void StreamEnded(AttachStream stream)
    {
        lock (_gate) log?.Complete(stream);
    }

    /// <summary>All output has ended: every client gets what is queued, then its connection closes.</summary>
    public void End()
    {
        AttachSession[] sessions;
        lock (_gate)
        {
            _ended = true;
            sessions = _sessions.ToArray();
            _sessions.Clear();
        }
        foreach (var s in sessions) s.EndOutput();
    }

    public void Add(AttachSession session)
    {
        lock (_gate)
        {
            if (!_ended)
            {
                _sessions.Add(session);
                return;
            }
        }
        session.EndOutput();
    }

    public void Remove(AttachSession session)
    {
        lock (_gate) _sessions.Remove(session);
    }

    public void DisposeLog()
    {
        lock (_gate) log?.Dispose();
    }
}
