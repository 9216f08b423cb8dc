using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>docker cp (both ways, running and stopped, through symlinks), docker export and docker diff against berthd.</summary>
public sealed class ContainerFilesSpecs : ContainerSpecs
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    private string Name(string what) => $"{what}-{_suffix}";

    /// <summary>A stopped container whose rootfs has /d/sub/f ("x") and /link → /d/sub.</summary>
    private async Task<string> PreparedContainer()
    {
        var name = Name("prep");
        await Ok("run", "--name", name, "busybox", "sh", "-c", "mkdir -p /d/sub && echo x > /d/sub/f && ln -s /d/sub /link");
        return name;
    }

    [Fact]
    public async Task Cp_puts_a_file_into_a_created_container_that_then_reads_it()
    {
        var name = Name("cpin");
        await Ok("create", "--name", name, "busybox", "cat", "/in.txt");
        File.WriteAllText(Dir.Combine("in.txt"), "from the host\n");
        await Ok("cp", Dir.Combine("in.txt"), $"{name}:/in.txt");
        Assert.Equal("from the host\n", await Ok("start", "-a", name));
    }

    [Fact]
    public async Task Cp_copies_a_file_and_a_directory_out_of_a_stopped_container()
    {
        var name = await PreparedContainer();
        await Ok("cp", $"{name}:/d/sub/f", Dir.Combine("f.txt"));
        Assert.Equal("x\n", File.ReadAllText(Dir.Combine("f.txt")));
        var outDir = Dir.Combine("out");
        Directory.CreateDirectory(outDir);
        await Ok("cp", $"{name}:/d", outDir);
        Assert.Equal("x\n", File.ReadAllText(Path.Combine(outDir, "d", "sub", "f")));
    }

    [Fact]
    public async Task Cp_goes_through_a_symlinked_directory_and_follows_a_link_with_L()
    {
        var name = await PreparedContainer();
        await Ok("cp", $"{name}:/link/f", Dir.Combine("via-link"));
        Assert.Equal("x\n", File.ReadAllText(Dir.Combine("via-link")));

        await Ok("cp", $"{name}:/link", Dir.Combine("the-link"));
        Assert.Equal("/d/sub", new FileInfo(Dir.Combine("the-link")).LinkTarget);

        await Ok("cp", "-L", $"{name}:/link", Dir.Combine("followed"));
        Assert.Equal("x\n", File.ReadAllText(Dir.Combine("followed", "f")));
    }

    [Fact]
    public async Task Cp_into_and_out_of_a_running_container_and_a_directory_in()
    {
        var name = Name("cprun");
        await Ok("run", "-d", "--name", name, "busybox", "sleep", "1000");
        var src = Dir.Combine("tree");
        Directory.CreateDirectory(Path.Combine(src, "inner"));
        File.WriteAllText(Path.Combine(src, "inner", "g"), "g\n");
        await Ok("cp", src, $"{name}:/tmp/");
        await Ok("cp", $"{name}:/tmp/tree/inner/g", Dir.Combine("g-back"));
        Assert.Equal("g\n", File.ReadAllText(Dir.Combine("g-back")));
        Assert.Equal("running", (await Ok("inspect", "-f", "{{.State.Status}}", name)).Trim());
    }

    [Fact]
    public async Task Cp_of_a_missing_path_fails_with_dockers_message()
    {
        var name = await PreparedContainer();
        var r = await Docker("cp", $"{name}:/nope", Dir.Combine("nope"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"Could not find the file /nope in container {name}", r.Stderr);
    }

    [Fact]
    public async Task Cp_with_a_tar_on_stdout_streams_the_archive()
    {
        var name = await PreparedContainer();
        var r = await Run.Program("/bin/sh", ["-c", $"docker cp {name}:/d - | tar -t"],
            new Dictionary<string, string> { ["DOCKER_HOST"] = Daemon.Host });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["d/", "d/sub/", "d/sub/f"], r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Export_piped_into_tar_lists_the_whole_filesystem()
    {
        var name = await PreparedContainer();
        var r = await Run.Program("/bin/sh", ["-c", $"docker export {name} | tar -t"], new Dictionary<string, string> { ["DOCKER_HOST"] = Daemon.Host });
        Assert.True(r.ExitCode == 0, r.ToString());
        var names = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("bin/busybox", names);
        Assert.Contains("etc/passwd", names);
        Assert.Contains("d/sub/f", names);
        Assert.Contains("link", names);
        // The stopped container's rootfs was mounted for the export only.
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(Daemon.DataRoot) && l.Contains("/merged"));
    }

    [Fact]
    public async Task Diff_reports_added_changed_and_deleted_paths_in_dockers_form()
    {
        var name = Name("diff");
        await Ok("run", "--name", name, "busybox", "sh", "-c", "mkdir /data && touch /data/new /tmp/t && rm /etc/group");
        var lines = (await Ok("diff", name)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["A /data", "A /data/new", "C /etc", "D /etc/group", "C /tmp", "A /tmp/t"], lines);
    }

    [Fact]
    public async Task Export_of_a_missing_container_is_no_such_container()
    {
        var r = await Docker("export", "nosuch-" + _suffix);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("No such container", r.Stderr);
    }

    [Fact]
    public async Task Berth_cp_diff_and_export_work_like_dockers()
    {
        var name = await PreparedContainer();
        Task<Run.Result> Berth(params string[] args) => Run.Program(Repo.Binary("berth"), ["-H", Daemon.Host, .. args]);

        File.WriteAllText(Dir.Combine("b.txt"), "berth\n");
        var cpIn = await Berth("cp", Dir.Combine("b.txt"), $"{name}:/d/b.txt");
        Assert.True(cpIn.ExitCode == 0, cpIn.ToString());
        var cpOut = await Berth("cp", $"{name}:/d", Dir.Combine("copied"));
        Assert.True(cpOut.ExitCode == 0, cpOut.ToString());
        Assert.Equal("berth\n", File.ReadAllText(Dir.Combine("copied", "b.txt")));
        Assert.Equal("x\n", File.ReadAllText(Dir.Combine("copied", "sub", "f")));

        var diff = await Berth("diff", name);
        Assert.Equal(["A /d", "A /d/b.txt", "A /d/sub", "A /d/sub/f", "A /link"], diff.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var export = await Berth("export", "-o", Dir.Combine("fs.tar"), name);
        Assert.True(export.ExitCode == 0, export.ToString());
        var list = await Run.Program("/bin/tar", ["-tf", Dir.Combine("fs.tar")]);
        Assert.Contains("d/b.txt", list.Stdout.Split('\n'));

        var missing = await Berth("cp", $"{name}:/nope", Dir.Combine("nope"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("Could not find the file /nope", missing.Stderr);
    }
}
