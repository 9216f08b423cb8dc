using Berth.Actors.Containers;

namespace Berth.Actors.Tests.Containers;

/// <summary>Host paths a container needs are derived from the daemon's settings, never read back from its record.</summary>
public sealed class ContainerSettingsSpecs
{
    private static readonly string Chain1 = "sha256:" + new string('1', 64), Chain2 = "sha256:" + new string('2', 64);

    private static ContainerSettings Settings(string dataRoot, params (string Name, string Path)[] runtimes) =>
        new(dataRoot, "/run/berth-x", "/opt/berth/berth-shim", runtimes.ToDictionary(r => r.Name, r => r.Path), "berth-runtime");

    [Fact]
    public void Lower_dirs_are_the_image_snapshots_under_the_current_data_root_top_layer_first()
    {
        var dirs = Settings("/srv/moved").LowerDirsOf([Chain1, Chain2]);

        Assert.Equal(["/srv/moved/snapshots/" + new string('2', 64) + "/fs", "/srv/moved/snapshots/" + new string('1', 64) + "/fs"], dirs);
    }

    [Fact]
    public void A_runtime_is_found_by_its_name()
    {
        Assert.Equal("/opt/berth/berth-runtime", Settings("/d", ("berth-runtime", "/opt/berth/berth-runtime")).RuntimePathOf("berth-runtime"));
        Assert.Null(Settings("/d", ("berth-runtime", "/opt/berth/berth-runtime")).RuntimePathOf("crun"));
    }

    [Fact]
    public void A_runtime_path_stored_by_an_older_release_is_kept_while_it_exists_and_otherwise_read_by_its_file_name()
    {
        var settings = Settings("/d", ("berth-runtime", "/opt/berth-new/berth-runtime"));

        Assert.Equal("/bin/sh", settings.RuntimePathOf("/bin/sh"));
        Assert.Equal("/opt/berth-new/berth-runtime", settings.RuntimePathOf("/gone/old-checkout/out/berth-runtime"));
        Assert.Null(settings.RuntimePathOf("/gone/old-checkout/out/unknown-runtime"));
    }
}
