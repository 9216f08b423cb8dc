using System.Text.Json;
using Berth.TestSupport;

namespace Berth.Host.Tests.Api;

/// <summary>
/// The same image in a private dockerd (Debian docker.io) and in berthd: the docker CLI must see the same shapes —
/// the same inspect keys, the same listing and history columns — and dockerd must load what berth saves.
/// </summary>
public sealed class ImageShapeParitySpecs : DaemonSpecs
{
    private PrivateDockerd _dockerd = null!;
    private string _archive = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _dockerd = PrivateDockerd.Start();
        _dockerd.Docker("import", "-c", "CMD [\"sh\"]", "-c", "LABEL team=core", Rootfs, "parity:1");
        _archive = Dir.Combine("parity.tar");
        _dockerd.Docker("save", "-o", _archive, "parity:1");
        var load = await Run.Docker(Daemon.Host, "load", "-i", _archive);
        Assert.True(load.ExitCode == 0, load.ToString());
    }

    public override async ValueTask DisposeAsync()
    {
        _dockerd.Dispose();
        await base.DisposeAsync();
    }

    private async Task<string> Berth(params string[] args)
    {
        var r = await Run.Docker(Daemon.Host, args);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout;
    }

    private string Dockerd(params string[] args) => Run.Docker(_dockerd.Host, args).GetAwaiter().GetResult().Stdout;

    private static IEnumerable<string> KeyPaths(JsonElement e, string prefix = "")
    {
        if (e.ValueKind != JsonValueKind.Object) yield break;
        foreach (var p in e.EnumerateObject())
        {
            yield return prefix + p.Name;
            // Maps with data-dependent keys (labels, exposed ports) are compared as values, not as shapes.
            if (p.Name is "Labels" or "ExposedPorts" or "Volumes" or "Data") continue;
            foreach (var child in KeyPaths(p.Value, prefix + p.Name + ".")) yield return child;
        }
    }

    [Fact]
    public async Task Image_inspect_has_dockerds_keys_and_values_for_the_same_image()
    {
        var ours = JsonDocument.Parse(await Berth("image", "inspect", "parity:1")).RootElement[0];
        var theirs = JsonDocument.Parse(Dockerd("image", "inspect", "parity:1")).RootElement[0];
        var missing = KeyPaths(theirs).Except(KeyPaths(ours)).Where(k => !k.StartsWith("GraphDriver.")).ToList();
        Assert.True(missing.Count == 0, "keys dockerd has and berth lacks: " + string.Join(", ", missing));
        foreach (var key in new[] { "Id", "Created", "Os", "Architecture", "Size" })
            Assert.Equal(theirs.GetProperty(key).ToString(), ours.GetProperty(key).ToString());
        Assert.Equal(theirs.GetProperty("RootFS").ToString(), ours.GetProperty("RootFS").ToString());
        Assert.Equal(theirs.GetProperty("Config").GetProperty("Cmd").ToString(), ours.GetProperty("Config").GetProperty("Cmd").ToString());
        Assert.Equal("core", ours.GetProperty("Config").GetProperty("Labels").GetProperty("team").GetString());
    }

    [Fact]
    public async Task Images_history_and_df_print_the_same_rows()
    {
        const string images = "{{.Repository}}|{{.Tag}}|{{.ID}}|{{.Size}}";
        Assert.Equal(Dockerd("images", "--format", images), await Berth("images", "--format", images));
        const string history = "{{.ID}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}";
        Assert.Equal(Dockerd("history", "--format", history, "parity:1"), await Berth("history", "--format", history, "parity:1"));
        var df = "{{.Type}}|{{.TotalCount}}|{{.Size}}";
        Assert.Equal(Dockerd("system", "df", "--format", df).Split('\n')[0], (await Berth("system", "df", "--format", df)).Split('\n')[0]);
    }

    [Fact]
    public async Task Dockerd_loads_what_berth_saves_with_the_same_id()
    {
        var saved = Dir.Combine("from-berth.tar");
        await Berth("save", "-o", saved, "parity:1");
        _dockerd.Docker("rmi", "parity:1");
        _dockerd.Docker("load", "-i", saved);
        Assert.Equal(Dockerd("image", "inspect", "--format", "{{.Id}}", "parity:1"), await Berth("image", "inspect", "--format", "{{.Id}}", "parity:1"));
    }
}
