using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;

namespace Berth.Host.Persistence;

/// <summary>
/// One journal store (a SQLite file or a PostgreSQL database) shared by the journal and the snapshot store of every
/// actor system in the process. Writes go through one writer that commits everything queued in one transaction
/// (group commit), so 50 containers starting at once cost a handful of syncs, not 50; reads use pooled connections.
/// </summary>
public sealed class JournalDatabase
{
    private static readonly Dictionary<(string, string), JournalDatabase> Open = new();
    private static readonly Lock OpenLock = new();

    private readonly JournalDialect _dialect;
    private readonly string _connectionString;
    private readonly Channel<WriteJob> _queue = Channel.CreateUnbounded<WriteJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, Task> _pendingByPid = new();
    private readonly Task _writerLoop;
    private readonly (string, string) _key;
    private DbConnection? _writer;
    private readonly Lock _schemaLock = new();
    private readonly SemaphoreSlim _readers = new(8);
    private bool _schemaReady;
    private int _leases;

    private JournalDatabase(string provider, string connectionString)
    {
        _key = (provider, connectionString);
        _dialect = JournalDialect.For(provider);
        _connectionString = connectionString;
        _writerLoop = Task.Run(WriteLoop);
    }

    public JournalDialect Dialect => _dialect;

    /// <summary>The open store for this connection; every Acquire is paired with a <see cref="Release"/>.</summary>
    public static JournalDatabase Acquire(string provider, string connectionString)
    {
        lock (OpenLock)
        {
            if (!Open.TryGetValue((provider, connectionString), out var db))
                Open[(provider, connectionString)] = db = new JournalDatabase(provider, connectionString);
            db._leases++;
            return db;
        }
    }

    /// <summary>The store a plugin's HOCON section (provider, connection-string) names.</summary>
    public static JournalDatabase Acquire(Akka.Configuration.Config plugin) =>
        Acquire(plugin.GetString("provider"), plugin.GetString("connection-string"));

    /// <summary>Drops a lease; the last one drains queued writes and closes the connections.</summary>
    public void Release()
    {
        lock (OpenLock)
        {
            if (--_leases > 0) return;
            Open.Remove(_key);
        }
        _queue.Writer.TryComplete();
        _writerLoop.GetAwaiter().GetResult();
    }

    /// <summary>Queues a write for the persistence ids it touches; reads of those ids wait for it (no reused sequence numbers).</summary>
    public Task Write(IEnumerable<string> persistenceIds, Action<DbConnection, DbTransaction> apply)
    {
        var job = new WriteJob(apply);
        if (!_queue.Writer.TryWrite(job)) return Task.FromException(new InvalidOperationException("the journal store is closed"));
        foreach (var pid in persistenceIds.Distinct())
        {
            _pendingByPid[pid] = job.Done.Task;
            job.Done.Task.ContinueWith(_ => _pendingByPid.TryRemove(new KeyValuePair<string, Task>(pid, job.Done.Task)), TaskScheduler.Default);
        }
        return job.Done.Task;
    }

    /// <summary>Runs a query on a pooled connection once every queued write of <paramref name="persistenceId"/> is done.</summary>
    public async Task<T> Read<T>(string persistenceId, Func<DbConnection, Task<T>> query)
    {
        if (_pendingByPid.TryGetValue(persistenceId, out var pending))
            try { await pending; } catch { /* the writer reported it; the read shows what is stored */ }
        // Every actor recovers at start: bound the connections (and PostgreSQL logins) opened at once.
        await _readers.WaitAsync();
        try
        {
            await using var connection = _dialect.Connect(_connectionString);
            await connection.OpenAsync();
            EnsureSchema(connection);
            return await query(connection);
        }
        finally { _readers.Release(); }
    }

    /// <summary>A command with named parameters (@name), the same text on both stores.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return command;
    }

    private void EnsureSchema(DbConnection connection)
    {
        if (Volatile.Read(ref _schemaReady)) return;
        // Actors recover concurrently at start; two CREATE TABLE IF NOT EXISTS racing on PostgreSQL fail one of them
        // (pg_type unique violation), so one creator per process, and a retry for another node racing us.
        lock (_schemaLock)
        {
            for (var attempt = 1; !_schemaReady; attempt++)
            {
                try
                {
                    using var create = Command(connection, null, _dialect.Schema);
                    create.ExecuteNonQuery();
                    Volatile.Write(ref _schemaReady, true);
                }
                catch (DbException) when (attempt < 3) { Thread.Sleep(50 * attempt); }
            }
        }
    }

    private async Task WriteLoop()
    {
        var batch = new List<WriteJob>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 512 && _queue.Reader.TryRead(out var job)) batch.Add(job);
            try
            {
                Commit(batch);
                foreach (var job in batch) job.Done.TrySetResult();
            }
            catch (Exception) when (batch.Count > 1)
            {
                // One bad write must not fail its neighbours: retry each alone.
                foreach (var job in batch)
                    try { Commit([job]); job.Done.TrySetResult(); }
                    catch (Exception e) { job.Done.TrySetException(_dialect.Explain(e, _connectionString)); }
            }
            catch (Exception e) { batch[0].Done.TrySetException(_dialect.Explain(e, _connectionString)); }
        }
        if (_writer is { } w) { _dialect.ClearPool(w); w.Dispose(); }
    }

    private void Commit(IReadOnlyList<WriteJob> jobs)
    {
        try
        {
            var connection = _writer ??= OpenWriter();
            using var tx = connection.BeginTransaction();
            foreach (var job in jobs) job.Apply(connection, tx);
            tx.Commit();
        }
        catch
        {
            // A broken connection (a restarted PostgreSQL) is reopened for the next batch.
            _writer?.Dispose();
            _writer = null;
            throw;
        }
    }

    private DbConnection OpenWriter()
    {
        var connection = _dialect.Connect(_connectionString);
        try
        {
            connection.Open();
            if (_dialect.WriterSetup is { } setup)
                using (var pragma = Command(connection, null, setup)) pragma.ExecuteNonQuery();
            EnsureSchema(connection);
            return connection;
        }
        catch { connection.Dispose(); throw; }
    }

    /// <summary>A payload as stored: the Akka serializer that wrote it, its manifest and its bytes.</summary>
    public static (int SerializerId, string Manifest, byte[] Bytes) Serialize(Akka.Serialization.Serialization serialization, object payload)
    {
        var serializer = serialization.FindSerializerFor(payload);
        return (serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, payload), serializer.ToBinary(payload));
    }

    private sealed record WriteJob(Action<DbConnection, DbTransaction> Apply)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
