using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Runtime.Tests.Support;

namespace Berth.Runtime.Tests.Containers;

/// <summary>Bad input gives one clear message, a non-zero exit, and leaves nothing behind.</summary>
public sealed class ErrorSpecs : IDisposable
{
    private readonly OciRuntime _berth = OciRuntime.Berth();
    private readonly Bundle _bundle = Bundle.Busybox("true");

    public void Dispose()
    {
        _berth.Dispose();
        _bundle.Dispose();
    }

    /// <summary>create must fail naming the problem, and leave no state dir, cgroup or mount.</summary>
    private string CreateFails(string expectedFragment)
    {
        _bundle.Write();
        var id = _berth.NewId();
        var r = _berth.Exec("create", "--bundle", _bundle.Dir, id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(expectedFragment, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        AssertNothingLeft(id);
        return r.Stderr;
    }

    private void AssertNothingLeft(string id)
    {
        Assert.False(Directory.Exists(Path.Combine(_berth.Root, id)), "state directory left behind");
        Assert.Empty(HostCgroups.Existing(_bundle.CgroupParent + "/ctr"));
        Assert.Empty(HostMounts.Below(_bundle.Dir));
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_named()
    {
        _bundle.With("process.user.uid", "root");
        CreateFails("process.user.uid: invalid JSON");
    }

    [Fact]
    public void An_unsupported_oci_version_is_refused() { _bundle.With("ociVersion", "2.0.0"); CreateFails("ociVersion: \"2.0.0\" is not supported"); }

    [Fact]
    public void A_missing_rootfs_is_refused() { _bundle.With("root.path", "no-such-rootfs"); CreateFails("root.path: rootfs"); }

    [Fact]
    public void An_unknown_namespace_type_is_refused()
    {
        _bundle.AddNamespace("bogus");
        CreateFails("linux.namespaces[5].type: \"bogus\" is not a namespace type");
    }

    [Fact]
    public void A_duplicate_namespace_is_refused() { _bundle.AddNamespace("pid"); CreateFails("linux.namespaces[5].type: pid is listed twice"); }

    [Fact]
    public void A_namespace_path_that_does_not_exist_is_refused()
    {
        _bundle.Config["linux"]!["namespaces"]!.AsArray().RemoveAt(1);
        _bundle.AddNamespace("network", "/proc/999999999/ns/net");
        CreateFails("linux.namespaces[4].path: /proc/999999999/ns/net does not exist");
    }

    [Fact]
    public void A_hostname_without_a_uts_namespace_is_refused()
    {
        _bundle.Config["linux"]!["namespaces"]!.AsArray().RemoveAt(3);
        CreateFails("hostname: needs a new uts namespace");
    }

    [Fact]
    public void An_unknown_rlimit_is_refused()
    {
        _bundle.With("process.rlimits", JsonNode.Parse("""[ { "type": "RLIMIT_BOGUS", "soft": 1, "hard": 1 } ]"""));
        CreateFails("process.rlimits[0].type: \"RLIMIT_BOGUS\" is not a known rlimit");
    }

    [Fact]
    public void A_bind_mount_of_a_missing_source_is_refused()
    {
        _bundle.Config["mounts"]!.AsArray().Add(JsonNode.Parse("""{ "destination": "/data", "type": "bind", "source": "/nonexistent-berth-src", "options": ["rbind"] }"""));
        CreateFails("mounts[7].source: /nonexistent-berth-src does not exist");
    }

    [Fact]
    public void An_unknown_seccomp_action_is_refused()
    {
        _bundle.With("linux.seccomp", JsonNode.Parse("""{ "defaultAction": "SCMP_ACT_EXPLODE" }"""));
        CreateFails("linux.seccomp.defaultAction: \"SCMP_ACT_EXPLODE\" is not a supported action");
    }

    [Fact]
    public void A_program_missing_from_the_rootfs_fails_create()
    {
        _bundle.WithArgs("no-such-program");
        CreateFails("exec: \"no-such-program\": executable file not found in $PATH");
    }

    [Fact]
    public void A_mount_that_the_kernel_refuses_fails_create_without_leaking_mounts()
    {
        _bundle.Config["mounts"]!.AsArray().Add(JsonNode.Parse("""{ "destination": "/data", "type": "no-such-fs", "source": "x" }"""));
        CreateFails("mount(x, /data, no-such-fs): ENODEV".Replace("ENODEV", "No such device"));
    }

    [Fact]
    public void A_failing_prestart_hook_fails_create()
    {
        _bundle.With("hooks", JsonNode.Parse("""{ "prestart": [ { "path": "/bin/false" } ] }"""));
        CreateFails("hooks.prestart[0] (/bin/false) failed: exit status 1");
    }

    [Fact]
    public void Terminal_without_a_console_socket_is_refused()
    {
        _bundle.With("process.terminal", true);
        CreateFails("process.terminal: is true but no --console-socket was given");
    }

    [Theory]
    [InlineData("state")]
    [InlineData("start")]
    [InlineData("kill")]
    [InlineData("delete")]
    [InlineData("pause")]
    [InlineData("exec")]
    public void An_unknown_id_is_reported(string command)
    {
        var args = command == "exec" ? new[] { command, "no-such-ctr", "true" } : [command, "no-such-ctr"];
        var r = _berth.Exec(args);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("berth-runtime: container \"no-such-ctr\" does not exist\n", r.Stderr);
    }

    [Fact]
    public void A_duplicate_id_is_refused_and_the_first_container_is_untouched()
    {
        _bundle.WithArgs("sleep", "30").Write();
        var id = _berth.NewId();
        _berth.Exec("create", "--bundle", _bundle.Dir, id).ShouldSucceed();
        var before = _berth.State(id);
        var r = _berth.Exec("create", "--bundle", _bundle.Dir, id);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"container \"{id}\" already exists", r.Stderr);
        Assert.Equal(before, _berth.State(id));
        Assert.NotEmpty(HostCgroups.Existing(_bundle.CgroupParent + "/ctr"));
    }

    [Theory]
    [InlineData("SIGBOGUS", "invalid signal \"SIGBOGUS\": unknown signal name")]
    [InlineData("99", "invalid signal \"99\": not between 1 and 64")]
    public void A_bad_signal_is_refused(string signal, string message)
    {
        _bundle.WithArgs("sleep", "30").Write();
        var id = _berth.NewId();
        _berth.Exec("create", "--bundle", _bundle.Dir, id).ShouldSucceed();
        var r = _berth.Exec("kill", id, signal);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Equal("created", _berth.Status(id));
    }

    [Fact]
    public void Starting_twice_and_deleting_a_running_container_are_refused()
    {
        _bundle.WithArgs("sleep", "30").Write();
        var id = _berth.NewId();
        _berth.Exec("create", "--bundle", _bundle.Dir, id).ShouldSucceed();
        _berth.Exec("start", id).ShouldSucceed();
        Assert.Contains("it is running, not created", _berth.Exec("start", id).Stderr);
        Assert.Contains("it is running, not stopped", _berth.Exec("delete", id).Stderr);
        Assert.Equal("running", _berth.Status(id));
    }

    [Fact]
    public void Errors_are_logged_as_json_lines_with_log_format_json()
    {
        _bundle.With("ociVersion", "9.9.9").Write();
        var log = Path.Combine(_bundle.Dir, "runtime.log");
        var r = _berth.ExecWithGlobals(["--log", log, "--log-format", "json"], ["create", "--bundle", _bundle.Dir, _berth.NewId()]);
        Assert.Equal(1, r.ExitCode);
        var line = JsonDocument.Parse(File.ReadAllLines(log).Single()).RootElement;
        Assert.Equal("error", line.GetProperty("level").GetString());
        Assert.Equal("ociVersion: \"9.9.9\" is not supported (1.0.0 to 1.2.0)", line.GetProperty("msg").GetString());
        Assert.True(DateTime.TryParse(line.GetProperty("time").GetString(), out _));
    }
}
