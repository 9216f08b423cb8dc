using System.Text.Json.Nodes;
using Berth.Runtime.Tests.Support;
using Berth.TestSupport;

namespace Berth.Runtime.Tests.Containers;

/// <summary>
/// linux.resources.devices under runc and under berth-runtime with the same config.json: a container with CAP_MKNOD
/// makes nodes for host devices (two loop devices of the test's own, tty0, the console, kmsg, vcs, fuse, tun, null)
/// and tries to read and write them. What it may open must be the same under both runtimes, on this host's v1 (hybrid)
/// layout, where the devices controller enforces the rules, and on a cgroup v2-only view, where only an eBPF program
/// attached to the container's cgroup can.
/// </summary>
public sealed class DeviceCgroupSpecs : IDisposable
{
    private readonly LoopDevice _granted = LoopDevice.Create();
    private readonly LoopDevice _other = LoopDevice.Create();
    private readonly List<Bundle> _bundles = [];
    private readonly List<OciRuntime> _runtimes = [];

    public enum Layout { HostV1, V2Only }

    public void Dispose()
    {
        foreach (var rt in _runtimes) rt.Dispose();
        foreach (var b in _bundles) b.Dispose();
        _granted.Dispose();
        _other.Dispose();
    }

    private const string Refused = "Operation not permitted";

    [Theory]
    [InlineData(Layout.HostV1)]
    [InlineData(Layout.V2Only)]
    public void An_allowlist_grants_its_devices_and_refuses_every_other_host_device(Layout layout)
    {
        // docker's allowlist without the console, so that only the runtime's own defaults decide about c 5:1.
        var (runc, berth) = RunBoth(layout, $$"""
            [ { "allow": false, "access": "rwm" },
              { "allow": true, "type": "c", "major": 1, "minor": 5, "access": "rwm" },
              { "allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm" },
              { "allow": true, "type": "c", "major": 1, "minor": 9, "access": "rwm" },
              { "allow": true, "type": "c", "major": 1, "minor": 8, "access": "rwm" },
              { "allow": true, "type": "c", "major": 5, "minor": 0, "access": "rwm" },
              { "allow": false, "type": "c", "major": 10, "minor": 229, "access": "rwm" },
              { "allow": true, "type": "b", "major": {{_granted.Major}}, "minor": {{_granted.Minor}}, "access": "rwm" } ]
            """);
        Assert.Equal(runc.Output, berth.Output);
        Assert.Equal(runc.Written, berth.Written);
        Assert.Contains($"granted read ok {_granted.Secret}\ngranted write ok\n", berth.Output);
        Assert.Contains($"other read {Refused}\nother write {Refused}\n", berth.Output);
        foreach (var device in new[] { "tty0", "console", "kmsg", "vcs", "fuse" })
            Assert.Contains($"{device} read {Refused}\n{device} write {Refused}\n", berth.Output);
        // runc's own defaults: tun and the null device stay usable whatever the config says.
        Assert.Contains("tun read ok\ntun write ok\n", berth.Output);
        Assert.Contains("null read ok\nnull write ok\n", berth.Output);
        Assert.Equal((true, false), berth.Written);
    }

    [Theory]
    [InlineData(Layout.HostV1)]
    [InlineData(Layout.V2Only)]
    public void A_read_only_grant_lets_the_container_read_the_device_but_not_write_it(Layout layout)
    {
        var (runc, berth) = RunBoth(layout, $$"""
            [ { "allow": false, "access": "rwm" },
              { "allow": true, "type": "b", "major": {{_granted.Major}}, "minor": {{_granted.Minor}}, "access": "r" } ]
            """);
        Assert.Equal(runc.Output, berth.Output);
        Assert.Contains($"granted read ok {_granted.Secret}\ngranted write {Refused}\n", berth.Output);
        Assert.Contains($"other read {Refused}\n", berth.Output);
        Assert.Equal((false, false), berth.Written);
        Assert.Equal(runc.Written, berth.Written);
    }

    [Theory]
    [InlineData(Layout.HostV1)]
    [InlineData(Layout.V2Only)]
    public void A_denylist_refuses_only_the_devices_it_names(Layout layout)
    {
        var (runc, berth) = RunBoth(layout, $$"""
            [ { "allow": true, "access": "rwm" },
              { "allow": false, "type": "b", "major": {{_other.Major}}, "minor": {{_other.Minor}}, "access": "rwm" } ]
            """);
        Assert.Equal(runc.Output, berth.Output);
        Assert.Contains($"granted read ok {_granted.Secret}\ngranted write ok\n", berth.Output);
        // The denial covers mknod too: the runtime's own "b *:* m" does not reopen a device the config denies.
        Assert.Contains($"other mknod {Refused}\n", berth.Output);
        Assert.Equal((true, false), berth.Written);
        Assert.Equal(runc.Written, berth.Written);
    }

    /// <summary>What one runtime's container printed, and whether it changed each loop device's backing file.</summary>
    private sealed record Outcome(string Output, (bool Granted, bool Other) Written);

    private (Outcome Runc, Outcome Berth) RunBoth(Layout layout, string rules)
    {
        var bundle = Bundle.Busybox().WithScript(Probe());
        _bundles.Add(bundle);
        bundle.With("linux.resources.devices", JsonNode.Parse(rules));
        foreach (var set in new[] { "bounding", "effective", "permitted" })
            bundle.Config["process"]!["capabilities"]![set]!.AsArray().Add("CAP_MKNOD");
        var outcomes = new List<Outcome>();
        foreach (var rt in new[] { OciRuntime.Runc(), OciRuntime.Berth() })
        {
            _runtimes.Add(rt);
            if (layout == Layout.V2Only) rt.LaunchedBy(CgroupV2View.Launcher);
            _granted.Reset();
            _other.Reset();
            bundle.WithCgroupsPath($"{bundle.CgroupParent}/{rt.Name}").Write();
            var result = rt.Run(bundle).ShouldSucceed();
            Assert.StartsWith(layout == Layout.V2Only ? "layout=v2\n" : "layout=v1\n", result.Stdout);
            outcomes.Add(new Outcome(result.Stdout, (!_granted.Untouched, !_other.Untouched)));
        }
        return (outcomes[0], outcomes[1]);
    }

    /// <summary>mknod, then open for reading and for writing (the loop devices: read their head, write one byte) each device.</summary>
    private string Probe() => $$"""
        check() { label=$1; shift; if out=$("$@" 2>&1); then echo "$label ok${out:+ $out}"; else echo "$label ${out##*: }"; fi; }
        node() { if out=$(busybox mknod /dev/p-$1 $2 $3 $4 2>&1); then return 0; else echo "$1 mknod ${out##*: }"; return 1; fi; }
        char() { node $1 c $2 $3 || return 0; check "$1 read" sh -c "exec 3</dev/p-$1"; check "$1 write" sh -c "exec 3>/dev/p-$1"; }
        block() { node $1 b $2 $3 || return 0; check "$1 read" head -c {{_granted.Secret.Length}} /dev/p-$1; check "$1 write" sh -c "printf X >/dev/p-$1"; }
        [ -e /sys/fs/cgroup/cgroup.controllers ] && echo layout=v2 || echo layout=v1
        block granted {{_granted.Major}} {{_granted.Minor}}
        block other {{_other.Major}} {{_other.Minor}}
        char tty0 4 0; char console 5 1; char kmsg 1 11; char vcs 7 0; char fuse 10 229; char tun 10 200; char null 1 3
        """;
}
