using Berth.TestSupport;

namespace Berth.Shell.Tests.Commands;

/// <summary>berth's image verbs against a real berthd, checked against what the docker CLI prints for the same daemon.</summary>
public sealed class ImageCommandSpecs : DaemonSpecs
{
    private Task<Run.Result> Berth(params string[] args) => Run.Program(Repo.Binary("berth"), ["-H", Daemon.Host, .. args]);

    private async Task<string> Import(string reference)
    {
        var r = await Berth("import", "-c", "CMD [\"sh\"]", "-m", "from the host", Rootfs, reference);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Trim();
    }

    [Fact]
    public async Task Import_prints_the_new_image_id()
    {
        var id = await Import("bb:1");
        Assert.Matches("^sha256:[0-9a-f]{64}$", id);
    }

    [Fact]
    public async Task Images_prints_the_same_table_as_docker_images()
    {
        await Import("busybox:latest");
        await Berth("tag", "busybox", "127.0.0.1:5000/team/bb:2");
        const string format = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}";
        var ours = await Berth("images", "--format", format);
        var theirs = await Run.Docker(Daemon.Host, "images", "--format", format);
        Assert.True(ours.ExitCode == 0, ours.ToString());
        // Rows of one image's tags come in Go map order from docker, so compare the rows as a set.
        Assert.Equal(theirs.Stdout.Split('\n')[0], ours.Stdout.Split('\n')[0]);
        Assert.Equal(theirs.Stdout.Split('\n').Order(), ours.Stdout.Split('\n').Order());
        var header = (await Berth("images")).Stdout.Split('\n')[0];
        Assert.Equal((await Run.Docker(Daemon.Host, "images")).Stdout.Split('\n')[0], header);
        Assert.Equal((await Run.Docker(Daemon.Host, "images", "-q")).Stdout, (await Berth("images", "-q")).Stdout);
    }

    [Fact]
    public async Task History_and_inspect_match_docker()
    {
        await Import("hist:1");
        var fmt = "{{.ID}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}";
        Assert.Equal((await Run.Docker(Daemon.Host, "history", "--format", fmt, "hist:1")).Stdout, (await Berth("history", "--format", fmt, "hist:1")).Stdout);
        var inspectFmt = "{{.Id}} {{json .Config.Cmd}} {{.Comment}}";
        Assert.Equal((await Run.Docker(Daemon.Host, "image", "inspect", "--format", inspectFmt, "hist:1")).Stdout,
            (await Berth("image", "inspect", "--format", inspectFmt, "hist:1")).Stdout);
    }

    [Fact]
    public async Task Inspect_of_a_missing_image_prints_an_empty_array_and_exits_1()
    {
        var r = await Berth("image", "inspect", "nosuch:img");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("[]\n", r.Stdout);
        Assert.Equal("Error: No such image: nosuch:img\n", r.Stderr);
    }

    [Fact]
    public async Task Rmi_reports_each_image_and_fails_for_the_missing_one()
    {
        await Import("gone:1");
        var r = await Berth("rmi", "gone:1", "nosuch:img");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("Untagged: gone:1\nDeleted: sha256:", r.Stdout);
        Assert.Contains("Error response from daemon: No such image: nosuch:img", r.Stderr);
    }

    [Fact]
    public async Task Save_and_load_round_trip_and_docker_can_read_berths_archive()
    {
        var id = await Import("rt:1");
        var archive = Dir.Combine("rt.tar");
        Assert.Equal(0, (await Berth("save", "-o", archive, "rt:1")).ExitCode);
        Assert.Equal(0, (await Berth("rmi", "rt:1")).ExitCode);
        var loaded = await Run.Docker(Daemon.Host, "load", "-i", archive);
        Assert.Equal("Loaded image: rt:1\n", loaded.Stdout);
        Assert.Equal(0, (await Berth("rmi", "rt:1")).ExitCode);
        var ours = await Berth("load", "-i", archive);
        Assert.True(ours.ExitCode == 0, ours.ToString());
        Assert.Equal("Loaded image: rt:1\n", ours.Stdout);
        Assert.Equal(id + "\n", (await Berth("image", "inspect", "--format", "{{.Id}}", "rt:1")).Stdout);
    }

    [Fact]
    public async Task Save_with_oci_writes_a_layout_that_skopeo_reads()
    {
        await Import("oci:1");
        var archive = Dir.Combine("oci.tar");
        var r = await Berth("save", "--oci", "-o", archive, "oci:1");
        Assert.True(r.ExitCode == 0, r.ToString());
        var skopeo = await Run.Program("/usr/bin/skopeo", ["inspect", "--raw", $"oci-archive:{archive}"]);
        Assert.True(skopeo.ExitCode == 0, skopeo.ToString());
        Assert.Contains("application/vnd.oci.image.manifest.v1+json", skopeo.Stdout);
    }

    [Fact]
    public async Task Save_refuses_to_write_a_tar_to_a_terminal_without_output()
    {
        await Import("tty:1");
        var pty = await Run.Program("/usr/bin/script", ["-qec", $"{Repo.Binary("berth")} -H {Daemon.Host} save tty:1", "/dev/null"]);
        Assert.Contains("cowardly refusing to save to a terminal", pty.Stdout + pty.Stderr);
    }

    [Fact]
    public async Task Prune_all_with_force_removes_unused_images()
    {
        await Import("pr:1");
        var r = await Berth("image", "prune", "-a", "-f");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("untagged: pr:1", r.Stdout);
        Assert.Contains("Total reclaimed space: ", r.Stdout);
        Assert.Equal("", (await Berth("images", "-q")).Stdout);
    }

    [Fact]
    public async Task Prune_without_force_asks_and_a_no_keeps_everything()
    {
        await Import("keep:1");
        var r = await Run.Program(Repo.Binary("berth"), ["-H", Daemon.Host, "image", "prune", "-a"], stdin: "n\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Are you sure you want to continue? [y/N]", r.Stdout);
        Assert.NotEqual("", (await Berth("images", "-q")).Stdout);
    }

    [Fact]
    public async Task A_bad_template_is_a_clear_error()
    {
        var r = await Berth("images", "--format", "{{.Nope");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("template parsing error", r.Stderr);
    }
}
