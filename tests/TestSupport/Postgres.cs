using System.Net;
using System.Net.Sockets;

namespace Berth.TestSupport;

/// <summary>
/// A private PostgreSQL server (Debian's postgresql package) in a temp dir, on a free loopback port,
/// started for the tests and stopped on dispose. Never touches the system cluster.
/// </summary>
public sealed class Postgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly TempDir _dir;
    public int Port { get; }
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database=berth;Username=postgres;Password=berth;Pooling=true";

    private Postgres(string bin, TempDir dir, int port) { _bin = bin; _dir = dir; Port = port; }

    public static async Task<Postgres> Start()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d).Select(d => Path.Combine(d, "bin"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL is not installed (./test.sh installs the postgresql package)");
        var dir = new TempDir("berth-test-pg");
        var data = dir.Combine("data");
        var port = FreePort();
        await Check(Run.Program("/bin/chown", ["-R", "postgres:postgres", dir.Path]));
        var pw = dir.Combine("pw");
        await File.WriteAllTextAsync(pw, "berth\n");
        await Check(Run.Program("/bin/chown", ["postgres:postgres", pw]));
        await Check(AsPostgres(Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--pwfile", pw, "-A", "scram-sha-256", "--no-sync"));
        await Check(AsPostgres(Path.Combine(bin, "pg_ctl"), "-D", data, "-w", "-l", dir.Combine("log"), "start",
            "-o", $"-p {port} -k {dir.Path} -c listen_addresses=127.0.0.1 -c fsync=off"));
        var pg = new Postgres(bin, dir, port);
        await Check(Run.Program(Path.Combine(bin, "createdb"), ["-h", "127.0.0.1", "-p", port.ToString(), "-U", "postgres", "berth"],
            new Dictionary<string, string> { ["PGPASSWORD"] = "berth" }));
        return pg;
    }

    private static Task<Run.Result> AsPostgres(string program, params string[] args) =>
        Run.Program("/usr/sbin/runuser", ["-u", "postgres", "--", program, .. args]);

    private static async Task Check(Task<Run.Result> run)
    {
        var r = await run;
        if (r.ExitCode != 0) throw new InvalidOperationException($"PostgreSQL setup failed: {r}");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await AsPostgres(Path.Combine(_bin, "pg_ctl"), "-D", _dir.Combine("data"), "-w", "-m", "immediate", "stop");
        _dir.Dispose();
    }
}
