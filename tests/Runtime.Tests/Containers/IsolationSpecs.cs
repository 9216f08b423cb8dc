using System.Diagnostics;
using System.Text.Json.Nodes;
using Berth.Runtime.Tests.Support;

namespace Berth.Runtime.Tests.Containers;

/// <summary>What must never reach the container: host fds, the host cwd, a writable runtime binary; what may: preserved fds, joined namespaces.</summary>
public sealed class IsolationSpecs : IDisposable
{
    private readonly OciRuntime _berth = OciRuntime.Berth();
    private readonly Bundle _bundle = Bundle.Busybox();

    public void Dispose()
    {
        _berth.Dispose();
        _bundle.Dispose();
    }

    [Fact]
    public void Only_stdio_reaches_the_container_and_its_cwd_is_inside_the_rootfs()
    {
        // fd 3 here is ls's own directory handle; anything more would be a leak (CVE-2024-21626).
        _bundle.WithScript("ls /proc/self/fd | tr '\\n' ' '; echo; readlink /proc/self/cwd; ls /proc/1/cwd/ | head -1").Write();
        var r = _berth.Run(_bundle).ShouldSucceed();
        var lines = r.Stdout.Split('\n');
        Assert.Equal("0 1 2 3 ", lines[0]);
        Assert.Equal("/", lines[1]);
        Assert.Equal("bin", lines[2]);
    }

    [Fact]
    public void Preserved_fds_are_passed_on_and_nothing_above_them()
    {
        _bundle.WithScript("ls /proc/self/fd | tr '\\n' ' '; cat <&3").Write();
        var secret = Path.Combine(_bundle.Dir, "fd3.txt");
        File.WriteAllText(secret, "through fd 3\n");
        // The shell opens fd 3 (no close-on-exec) and fd 4; only fd 3 is preserved.
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"exec 3<\"{secret}\" 4<\"{secret}\"; exec \"$0\" --root \"$1\" run --preserve-fds 1 --bundle \"$2\" \"$3\"");
        psi.ArgumentList.Add(Berth.TestSupport.Repo.Binary("berth-runtime"));
        psi.ArgumentList.Add(_berth.Root);
        psi.ArgumentList.Add(_bundle.Dir);
        psi.ArgumentList.Add(_berth.NewId());
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal("0 1 2 3 4 through fd 3\n", stdout); // 4 is ls's directory handle
    }

    [Fact]
    public void The_init_binary_runs_from_a_sealed_copy_that_cannot_be_rewritten()
    {
        _bundle.WithArgs("sleep", "30").Write();
        var id = _berth.NewId();
        _berth.Exec("create", "--bundle", _bundle.Dir, id).ShouldSucceed();
        var pid = System.Text.Json.JsonDocument.Parse(_berth.State(id)).RootElement.GetProperty("pid").GetInt32();
        // Before start the container process still is our init.
        Assert.Equal("/memfd:berth-runtime-init (deleted)", new FileInfo($"/proc/{pid}/exe").LinkTarget);
        var e = Assert.ThrowsAny<Exception>(() => File.OpenWrite($"/proc/{pid}/exe").Dispose());
        Assert.True(e is IOException or UnauthorizedAccessException, e.ToString());
    }

    [Fact]
    public void A_namespace_given_by_path_is_joined()
    {
        using var holder = Process.Start(new ProcessStartInfo("unshare", "--net sleep 60"))!;
        try
        {
            string netns = "";
            for (var i = 0; i < 200; i++)
            {
                netns = new FileInfo($"/proc/{holder.Id}/ns/net").LinkTarget ?? "";
                var host = HostGuard.HostNamespace("net");
                if (netns != host && netns != "") break;
                Thread.Sleep(10);
            }
            var namespaces = _bundle.Config["linux"]!["namespaces"]!.AsArray();
            namespaces.Remove(namespaces.First(n => (string?)n!["type"] == "network"));
            _bundle.AddNamespace("network", $"/proc/{holder.Id}/ns/net").WithScript("readlink /proc/self/ns/net").Write();
            var r = _berth.Run(_bundle).ShouldSucceed();
            Assert.Equal(netns + "\n", r.Stdout);
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    [Fact]
    public void A_mount_target_symlink_cannot_escape_the_rootfs()
    {
        // /escape -> /tmp on the host would be outside; inside the rootfs it must resolve to rootfs/tmp.
        File.CreateSymbolicLink(Path.Combine(_bundle.Rootfs, "escape"), "/../../../../tmp");
        _bundle.Config["mounts"]!.AsArray().Add(JsonNode.Parse("""{ "destination": "/escape/inside", "type": "tmpfs", "source": "tmpfs" }"""));
        _bundle.With("root.readonly", false).WithScript("grep ' /tmp/inside ' /proc/self/mountinfo | wc -l").Write();
        var r = _berth.Run(_bundle).ShouldSucceed();
        Assert.Equal("1\n", r.Stdout);
        Assert.True(Directory.Exists(Path.Combine(_bundle.Rootfs, "tmp/inside")));
        Assert.False(Directory.Exists("/tmp/inside"));
    }

    [Theory]
    [InlineData("rprivate", "")]
    [InlineData("rshared", "shared:")]
    public void Root_propagation_follows_linux_rootfsPropagation(string propagation, string expected)
    {
        _bundle.With("linux.rootfsPropagation", propagation).WithScript("head -1 /proc/self/mountinfo").Write();
        var r = _berth.Run(_bundle).ShouldSucceed();
        var optional = r.Stdout.Split(" - ")[0].Split(' ').Skip(6).ToList();
        if (expected == "") Assert.Empty(optional);
        else Assert.Contains(optional, o => o.StartsWith(expected, StringComparison.Ordinal));
        Assert.Empty(HostMounts.Below(_bundle.Dir));
    }

    [Fact]
    public void By_default_the_root_is_a_slave_of_a_shared_host_mount_so_nothing_propagates_back()
    {
        // Make the bundle its own shared mount on the host, so "slave" is observable.
        Assert.Equal(0, HostMounts.Run("mount", "--bind", _bundle.Dir, _bundle.Dir));
        Assert.Equal(0, HostMounts.Run("mount", "--make-shared", _bundle.Dir));
        _bundle.WithScript("head -1 /proc/self/mountinfo; mount -t tmpfs tmpfs /tmp").With("root.readonly", false);
        _bundle.With("process.capabilities.bounding", new JsonArray("CAP_SYS_ADMIN")).With("process.capabilities.effective", new JsonArray("CAP_SYS_ADMIN"))
            .With("process.capabilities.permitted", new JsonArray("CAP_SYS_ADMIN")).Write();
        var r = _berth.Run(_bundle).ShouldSucceed();
        Assert.Contains(r.Stdout.Split(" - ")[0].Split(' ').Skip(6), o => o.StartsWith("master:", StringComparison.Ordinal));
        Assert.Equal([_bundle.Dir], HostMounts.Below(_bundle.Dir)); // the container's tmpfs did not come back
    }
}
