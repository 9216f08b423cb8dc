using Berth.TestSupport;

namespace Berth.Host.Tests.Hosting;

/// <summary>The data root and exec root across versions and listeners: tightened on upgrade, the API socket still reachable by its group.</summary>
public sealed class PrivateRootsSpecs
{
    [Fact]
    public async Task Berthd_tightens_a_data_root_that_an_older_version_left_open()
    {
        using var dir = new TempDir();
        string id;
        await using (var first = await Berthd.Start(dir))
        {
            Assert.Equal(0, (await Run.Docker(first.Host, "import", "-c", "CMD [\"sh\"]", await Busybox.RootfsTar(dir), "busybox")).ExitCode);
            var run = await Run.Docker(first.Host, "run", "--name", "old", "-e", "DB_PASSWORD=secret", "busybox", "echo", "hello");
            Assert.True(run.ExitCode == 0, run.ToString());
            id = (await Run.Docker(first.Host, "inspect", "-f", "{{.Id}}", "old")).Stdout.Trim();
        }
        var data = dir.Combine("data");
        var container = Path.Combine(data, "containers", id);
        var database = Path.Combine(data, "berth.db");
        // The modes berthd used to create everything with.
        var older = new Dictionary<string, int>
        {
            [data] = 0x1C9, [Path.Combine(data, "containers")] = 0x1ED, [container] = 0x1ED, [Path.Combine(container, "rootfs")] = 0x1ED,
            [Path.Combine(container, "config.json")] = 0x1A4, [Path.Combine(container, id + "-json.log")] = 0x1A4,
            [database] = 0x1A4, [Path.Combine(data, "engine-id")] = 0x1A4, [Path.Combine(data, "content")] = 0x1ED,
            [Path.Combine(data, "snapshots")] = 0x1ED, [Path.Combine(data, "images")] = 0x1ED, [Path.Combine(data, "tmp")] = 0x1ED,
            [dir.Combine("exec")] = 0x1ED, [dir.Combine("exec", "containers")] = 0x1ED, [dir.Combine("exec", "runtime")] = 0x1ED,
        };
        foreach (var (path, mode) in older) File.SetUnixFileMode(path, (UnixFileMode)mode);

        await using var second = await Berthd.Start(dir);
        var expected = new Dictionary<string, string>
        {
            [data] = "710", [Path.Combine(data, "containers")] = "710", [container] = "710", [Path.Combine(container, "rootfs")] = "700",
            [Path.Combine(container, "config.json")] = "600", [Path.Combine(container, id + "-json.log")] = "640",
            [database] = "600", [Path.Combine(data, "engine-id")] = "600", [Path.Combine(data, "content")] = "700",
            [Path.Combine(data, "snapshots")] = "700", [Path.Combine(data, "images")] = "700", [Path.Combine(data, "tmp")] = "700",
            [dir.Combine("exec")] = "700", [dir.Combine("exec", "containers")] = "700", [dir.Combine("exec", "runtime")] = "700",
        };
        Assert.Equal(expected, older.Keys.ToDictionary(p => p, AccessChecks.Mode));
        // berthd still reads the config and appends to the log it tightened.
        Assert.Equal(0, (await Run.Docker(second.Host, "start", "old")).ExitCode);
        Assert.Equal("0\n", (await Run.Docker(second.Host, "wait", "old")).Stdout);
        Assert.Equal("hello\nhello\n", (await Run.Docker(second.Host, "logs", "old")).Stdout);
        await Run.Docker(second.Host, "rm", "-f", "old");
    }

    [Fact]
    public async Task A_socket_in_the_exec_root_stays_0660_root_docker_and_only_its_group_reaches_it()
    {
        using var dir = new TempDir();
        AccessChecks.OpenForEveryone(dir.Path);
        var docker = AccessChecks.GroupId("docker");
        var socket = dir.Combine("exec", "berth.sock");   // the default layout: /run/berth is both
        await using var d = await Berthd.Start(dir, "-H", "unix://" + socket);

        var stat = await Run.Program("/usr/bin/stat", ["-c", "%a %U %G", socket, dir.Combine("exec")]);
        Assert.Equal("660 root docker\n710 root docker\n", stat.Stdout);
        var env = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + socket, ["DOCKER_CONFIG"] = dir.Path };
        var member = await AccessChecks.AsNobodyInGroup(docker, env, "/usr/local/bin/docker", "version", "--format", "{{.Server.Version}}");
        Assert.True(member.ExitCode == 0, member.ToString());
        var stranger = await AccessChecks.AsNobodyInGroup(65534, env, "/usr/local/bin/docker", "version", "--format", "{{.Server.Version}}");
        Assert.NotEqual(0, stranger.ExitCode);
        Assert.Contains("permission denied", stranger.Stderr);
        // Passing through the exec root shows the docker group nothing else.
        var look = await AccessChecks.AsNobodyInGroup(docker, env, "/bin/ls", dir.Combine("exec"));
        Assert.Contains("Permission denied", look.Stderr);
    }
}
