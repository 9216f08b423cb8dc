using System.Text.Json;
using Berth.Runtime.Cgroups;
using Berth.Runtime.Oci;

namespace Berth.Runtime.Tests.Cgroups;

/// <summary>
/// The device rules a container's cgroup gets (the config's, then runc's own), the v1 writes that put them in place,
/// and the eBPF program that enforces them on v2, run here by a small interpreter of the instructions it uses.
/// </summary>
public sealed class DeviceRuleSpecs
{
    private static Spec SpecWith(string rules, string devices = "[]") => OciJson.ParseSpec(
        $$"""{ "ociVersion": "1.0.2", "linux": { "devices": {{devices}}, "resources": { "devices": {{rules}} } } }""");

    private const string DockerDefaults = """
        [ { "allow": false, "access": "rwm" },
          { "allow": true, "type": "c", "major": 1, "minor": 5, "access": "rwm" },
          { "allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm" },
          { "allow": true, "type": "c", "major": 1, "minor": 9, "access": "rwm" },
          { "allow": true, "type": "c", "major": 1, "minor": 8, "access": "rwm" },
          { "allow": true, "type": "c", "major": 5, "minor": 0, "access": "rwm" },
          { "allow": true, "type": "c", "major": 5, "minor": 1, "access": "rwm" },
          { "allow": false, "type": "c", "major": 10, "minor": 229, "access": "rwm" } ]
        """;

    [Fact]
    public void The_runtime_always_allows_mknod_the_standard_devices_ptys_and_tun_but_not_the_console()
    {
        var rules = DeviceRules.For(SpecWith("[]")).Select(r => (r.Allow ? "allow " : "deny ") + r).ToList();
        Assert.Equal([
            "allow c *:* m", "allow b *:* m", "allow c 1:3 rwm", "allow c 1:8 rwm", "allow c 1:7 rwm", "allow c 5:0 rwm",
            "allow c 1:5 rwm", "allow c 1:9 rwm", "allow c 136:* rwm", "allow c 5:2 rwm", "allow c 10:200 rwm",
        ], rules);
    }

    [Fact]
    public void A_config_node_at_a_standard_path_takes_the_place_of_the_runtimes_rule_for_it()
    {
        var rules = DeviceRules.For(SpecWith("[]", """[ { "type": "c", "path": "/dev/null", "major": 1, "minor": 3 } ]"""));
        Assert.DoesNotContain(rules, r => r.ToString() == "c 1:3 rwm");
        Assert.Contains(rules, r => r.ToString() == "c 1:5 rwm");
    }

    [Theory]
    [InlineData("""[ { "allow": true, "type": "p", "access": "rwm" } ]""", "linux.resources.devices[0].type")]
    [InlineData("""[ { "allow": true, "type": "c", "major": 1, "minor": 3 } ]""", "linux.resources.devices[0].access")]
    public void A_rule_runc_refuses_is_refused_naming_its_field(string rules, string field)
    {
        var e = Assert.Throws<ConfigException>(() => DeviceRules.For(SpecWith(rules)));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void A_fresh_v1_cgroup_that_allows_everything_is_reset_to_deny_all_then_given_its_allowlist()
    {
        var inherited = DeviceEmulator.FromList("a *:* rwm\n");
        var target = DeviceEmulator.From(DeviceRules.For(SpecWith(DockerDefaults)));
        var writes = inherited.TransitionTo(target).Select(r => (r.Allow ? "devices.allow " : "devices.deny ") + r).ToList();
        Assert.Equal([
            "devices.deny a *:* rwm",
            "devices.allow b *:* m", "devices.allow c *:* m", "devices.allow c 1:3 rwm", "devices.allow c 1:5 rwm", "devices.allow c 1:7 rwm",
            "devices.allow c 1:8 rwm", "devices.allow c 1:9 rwm", "devices.allow c 5:0 rwm", "devices.allow c 5:1 rwm", "devices.allow c 5:2 rwm",
            "devices.allow c 10:200 rwm", "devices.allow c 136:* rwm",
        ], writes);
    }

    [Fact]
    public void A_v1_cgroup_changes_only_by_what_its_rules_drop_and_gain()
    {
        var current = DeviceEmulator.FromList("c 1:3 rwm\nb 7:3 rw\nc 1:5 rwm\n");
        var target = DeviceEmulator.From(DeviceRules.For(SpecWith("""
            [ { "allow": false, "access": "rwm" }, { "allow": true, "type": "b", "major": 7, "minor": 3, "access": "r" } ]
            """)));
        var writes = current.TransitionTo(target).Select(r => (r.Allow ? "allow " : "deny ") + r).ToList();
        Assert.Equal(["deny b 7:3 w", "allow b *:* m", "allow c *:* m", "allow c 1:7 rwm"], writes.Take(4));
        Assert.DoesNotContain("deny a *:* rwm", writes);
        Assert.Empty(DeviceEmulator.FromList(string.Join('\n', target.Rules().Select(r => r.ToString()))).TransitionTo(target));
    }

    [Fact]
    public void Denying_one_device_of_an_allowed_wildcard_is_refused_rather_than_silently_ignored()
    {
        var e = Assert.Throws<ConfigException>(() => DeviceEmulator.From(DeviceRules.For(SpecWith("""
            [ { "allow": false, "access": "rwm" }, { "allow": true, "type": "b", "major": 7, "access": "rwm" },
              { "allow": false, "type": "b", "major": 7, "minor": 1, "access": "r" } ]
            """))));
        Assert.Contains("b 7:*", e.Message);
    }

    private const int Block = 1, Char = 2;
    private const int M = 1, R = 2, W = 4;

    [Theory]
    [InlineData(Char, 1, 3, R | W, true)]      // /dev/null
    [InlineData(Char, 5, 1, R, true)]          // the console, because docker's rules allow it
    [InlineData(Char, 4, 0, R, false)]         // tty0
    [InlineData(Char, 1, 11, W, false)]        // kmsg
    [InlineData(Char, 10, 229, R | W, false)]  // fuse
    [InlineData(Char, 10, 200, R | W, true)]   // tun, the runtime's own
    [InlineData(Char, 136, 7, R | W, true)]    // a pty slave
    [InlineData(Block, 7, 0, M, true)]         // mknod of anything
    [InlineData(Block, 7, 0, R, false)]
    [InlineData(Block, 7, 0, M | R, false)]
    public void Dockers_policy_compiles_to_a_filter_that_allows_exactly_its_devices(int type, int major, int minor, int access, bool allowed) =>
        Assert.Equal(allowed, Run(DeviceFilter.Build(DeviceRules.For(SpecWith(DockerDefaults))), type, major, minor, access));

    [Theory]
    [InlineData(R, true)]
    [InlineData(W, false)]
    [InlineData(R | W, false)]
    [InlineData(M, true)]
    public void A_read_grant_matches_only_requests_within_its_access(int access, bool allowed) =>
        Assert.Equal(allowed, Run(DeviceFilter.Build(DeviceRules.For(SpecWith("""
            [ { "allow": false, "access": "rwm" }, { "allow": true, "type": "b", "major": 7, "minor": 3, "access": "r" } ]
            """))), Block, 7, 3, access));

    [Theory]
    [InlineData(Block, 7, 1, M, false)]
    [InlineData(Block, 7, 1, R, false)]
    [InlineData(Block, 7, 2, R | W, true)]
    [InlineData(Char, 4, 0, R | W, true)]
    public void A_denylist_compiles_to_a_filter_that_allows_all_but_what_it_names(int type, int major, int minor, int access, bool allowed) =>
        Assert.Equal(allowed, Run(DeviceFilter.Build(DeviceRules.For(SpecWith("""
            [ { "allow": true, "access": "rwm" }, { "allow": false, "type": "b", "major": 7, "minor": 1, "access": "rwm" } ]
            """))), type, major, minor, access));

    [Fact]
    public void Allowing_everything_compiles_to_a_filter_without_rules()
    {
        var program = DeviceFilter.Build(DeviceRules.For(SpecWith("""[ { "allow": true, "access": "rwm" } ]""")));
        Assert.Equal(8, program.Count); // the context loads, then "return 1"
        Assert.True(Run(program, Block, 8, 0, R | W | M));
    }

    [Fact]
    public void Instructions_encode_as_struct_bpf_insn()
    {
        var bytes = DeviceFilter.Encode([new BpfInstruction(0x55, 4, 0, 3, 229), new BpfInstruction(0x5d, 1, 3, -2, 0)]);
        Assert.Equal(new byte[] { 0x55, 0x04, 3, 0, 229, 0, 0, 0, 0x5d, 0x31, 0xfe, 0xff, 0, 0, 0, 0 }, bytes);
    }

    /// <summary>Runs a device filter for one request (struct bpf_cgroup_dev_ctx), as the kernel would: true when it returns 1.</summary>
    private static bool Run(IReadOnlyList<BpfInstruction> program, int type, int major, int minor, int access)
    {
        var ctx = new uint[] { (uint)(access << 16 | type), (uint)major, (uint)minor };
        var reg = new ulong[11];
        const ulong Context = 0x1000; // R1 holds the context "address"; loads read ctx[offset / 4]
        reg[1] = Context;
        for (var pc = 0; pc < program.Count; pc++)
        {
            var i = program[pc];
            switch (i.Code)
            {
                case 0x61: Assert.Equal(Context, reg[i.Src]); reg[i.Dst] = ctx[i.Offset / 4]; break;
                case 0x54: reg[i.Dst] = (uint)reg[i.Dst] & (uint)i.Imm; break;
                case 0x74: reg[i.Dst] = (uint)reg[i.Dst] >> i.Imm; break;
                case 0xbc: reg[i.Dst] = (uint)reg[i.Src]; break;
                case 0xb4: reg[i.Dst] = (uint)i.Imm; break;
                case 0x55: if (reg[i.Dst] != (ulong)(long)i.Imm) pc += i.Offset; break;
                case 0x5d: if (reg[i.Dst] != reg[i.Src]) pc += i.Offset; break;
                case 0x95: return reg[0] == 1;
                default: throw new Xunit.Sdk.XunitException($"unexpected opcode 0x{i.Code:x2} at {pc}");
            }
        }
        throw new Xunit.Sdk.XunitException("the program ran off its end");
    }
}
