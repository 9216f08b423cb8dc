using System.Net;
using System.Text.Json;
using Berth.TestSupport;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Berth.Host.Tests.Api;

/// <summary>The image verbs of the real docker CLI (and Docker.DotNet) against berthd.</summary>
public sealed class ImageEndpointSpecs : DaemonSpecs
{
    private Task<Run.Result> Docker(params string[] args) => Run.Docker(Daemon.Host, args);

    private async Task<string> Import(string reference, params string[] changes)
    {
        var args = new List<string> { "import" };
        foreach (var c in changes) { args.Add("-c"); args.Add(c); }
        args.Add(Rootfs); args.Add(reference);
        var r = await Docker([.. args]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Trim();
    }

    [Fact]
    public async Task Docker_import_creates_an_image_with_the_changes_applied()
    {
        var id = await Import("bb:imported", "CMD [\"sh\"]", "ENV A=1", "WORKDIR /tmp", "LABEL team=core");
        Assert.StartsWith("sha256:", id);
        var r = await Docker("image", "inspect", "bb:imported", "--format", "{{.Id}}|{{json .Config.Cmd}}|{{json .Config.Env}}|{{.Config.WorkingDir}}|{{.Config.Labels.team}}|{{.Os}}|{{.Architecture}}");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"{id}|[\"sh\"]|[\"A=1\"]|/tmp|core|linux|amd64", r.Stdout.Trim());
    }

    [Fact]
    public async Task Label_maps_go_out_with_sorted_keys_as_from_go()
    {
        await Import("labels:1", "LABEL zebra=1", "LABEL alpha=2", "LABEL mid=3");
        var r = await Docker("image", "inspect", "labels:1", "--format", "{{json .Config.Labels}}");
        Assert.Equal("{\"alpha\":\"2\",\"mid\":\"3\",\"zebra\":\"1\"}", r.Stdout.Trim());
    }

    [Fact]
    public async Task Docker_images_lists_tags_in_the_familiar_form_and_filters_by_reference()
    {
        await Import("busybox:latest");
        Assert.Equal(0, (await Docker("tag", "busybox", "127.0.0.1:5000/team/bb:1")).ExitCode);
        var all = await Docker("images", "--format", "{{.Repository}}:{{.Tag}}");
        Assert.Equal(["127.0.0.1:5000/team/bb:1", "busybox:latest"], all.Stdout.Trim().Split('\n').Order());
        var filtered = await Docker("images", "--filter", "reference=busy*", "--format", "{{.Repository}}");
        Assert.Equal("busybox", filtered.Stdout.Trim());
        var quiet = await Docker("images", "-q");
        Assert.Single(quiet.Stdout.Trim().Split('\n').Distinct());
    }

    [Fact]
    public async Task Docker_history_shows_the_import_layer()
    {
        await Import("hist:1");
        var r = await Docker("history", "hist:1", "--format", "{{.Comment}}|{{.Size}}");
        Assert.True(r.ExitCode == 0, r.ToString());
        var row = Assert.Single(r.Stdout.Trim().Split('\n'));
        Assert.StartsWith("Imported from -|", row);
    }

    [Fact]
    public async Task Rmi_untags_then_deletes_the_last_reference()
    {
        await Import("rm:1");
        await Docker("tag", "rm:1", "rm:2");
        var first = await Docker("rmi", "rm:2");
        Assert.Equal("Untagged: rm:2", first.Stdout.Trim());
        var last = await Docker("rmi", "rm:1");
        Assert.StartsWith("Untagged: rm:1\nDeleted: sha256:", last.Stdout.Trim());
        var gone = await Docker("image", "inspect", "rm:1");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("No such image: rm:1", gone.Stderr);
    }

    [Fact]
    public async Task Missing_images_are_404_with_dockers_message()
    {
        using var http = UnixHttp.Client(Daemon.Socket);
        using var inspect = await http.GetAsync("/v1.41/images/nosuch:img/json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, inspect.StatusCode);
        Assert.Equal("{\"message\":\"No such image: nosuch:img\"}\n", await inspect.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var rmi = await Docker("rmi", "nosuch:img");
        Assert.Equal(1, rmi.ExitCode);
        Assert.Contains("Error response from daemon: No such image: nosuch:img", rmi.Stderr);
        var tag = await Docker("tag", "nosuch:img", "x:y");
        Assert.NotEqual(0, tag.ExitCode);
        Assert.Contains("No such image: nosuch:img", tag.Stderr);
    }

    [Fact]
    public async Task Save_then_load_round_trips_an_image_through_a_docker_archive()
    {
        var id = await Import("round:trip", "CMD [\"sh\"]");
        var archive = Dir.Combine("round.tar");
        Assert.Equal(0, (await Docker("save", "-o", archive, "round:trip")).ExitCode);
        Assert.Equal(0, (await Docker("rmi", "round:trip")).ExitCode);
        var load = await Docker("load", "-i", archive);
        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.Equal("Loaded image: round:trip", load.Stdout.Trim());
        Assert.Equal(id, (await Docker("image", "inspect", "round:trip", "--format", "{{.Id}}")).Stdout.Trim());
    }

    [Fact]
    public async Task Load_of_garbage_fails_inside_the_stream_and_the_cli_exits_1()
    {
        var junk = Dir.Combine("junk.tar");
        await File.WriteAllTextAsync(junk, "this is not a tar archive at all, just text", TestContext.Current.CancellationToken);
        var r = await Docker("load", "-i", junk);
        Assert.Equal(1, r.ExitCode);
        Assert.NotEmpty(r.Stderr.Trim());
        Assert.Equal("", (await Docker("images", "-q")).Stdout.Trim());
    }

    [Fact]
    public async Task Prune_all_removes_unused_images_and_reports_them()
    {
        await Import("prune:me");
        var r = await Docker("image", "prune", "-a", "-f");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("untagged: prune:me", r.Stdout);
        Assert.Contains("deleted: sha256:", r.Stdout);
        Assert.Equal("", (await Docker("images", "-q")).Stdout.Trim());
    }

    [Fact]
    public async Task System_df_and_info_count_the_images()
    {
        await Import("df:1");
        var df = await Docker("system", "df", "--format", "{{.Type}}|{{.TotalCount}}");
        Assert.Contains("Images|1", df.Stdout);
        var info = await Docker("info", "--format", "{{.Images}}");
        Assert.Equal("1", info.Stdout.Trim());
    }

    [Fact]
    public async Task Image_events_are_kept_across_a_daemon_restart()
    {
        using var dir = new TempDir();
        var start = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        var d = await Berthd.Start(dir);
        Assert.Equal(0, (await Run.Docker(d.Host, "import", Rootfs, "evt:1")).ExitCode);
        Assert.Equal(0, (await Run.Docker(d.Host, "tag", "evt:1", "evt:2")).ExitCode);
        await d.DisposeAsync();

        await using var again = await Berthd.Start(dir);
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        var r = await Run.Docker(again.Host, "events", "--since", start.ToString(), "--until", until.ToString(),
            "--filter", "type=image", "--filter", "event=tag", "--format", "{{.Action}} {{.Actor.Attributes.name}}");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["tag evt:1", "tag evt:2"], r.Stdout.Trim().Split('\n'));
    }

    [Fact]
    public async Task Docker_DotNet_lists_tags_and_deletes_images()
    {
        await Import("dotnet:1");
        using var client = new DockerClientConfiguration(new Uri(Daemon.Host)).CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var list = await client.Images.ListImagesAsync(new ImagesListParameters { All = true }, ct);
        var image = Assert.Single(list);
        Assert.Equal(["dotnet:1"], image.RepoTags);
        await client.Images.TagImageAsync("dotnet:1", new ImageTagParameters { RepositoryName = "dotnet", Tag = "2" }, ct);
        var inspected = await client.Images.InspectImageAsync("dotnet:2", ct);
        Assert.Equal(image.ID, inspected.ID);
        var deleted = await client.Images.DeleteImageAsync("dotnet:2", new ImageDeleteParameters(), ct);
        Assert.Equal("dotnet:2", Assert.Single(deleted)["Untagged"]);
    }
}
