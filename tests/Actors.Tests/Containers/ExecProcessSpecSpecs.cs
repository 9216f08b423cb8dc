using Berth.Actors.Containers;
using Berth.Actors.Protocol;
using Berth.Runtime.Oci;

namespace Berth.Actors.Tests.Containers;

/// <summary>How an exec's OCI process is laid over the container's, and how --user names resolve in the rootfs.</summary>
public sealed class ExecProcessSpecSpecs : IDisposable
{
    private readonly string _rootfs = Directory.CreateTempSubdirectory("berth-exec-rootfs-").FullName;

    public ExecProcessSpecSpecs()
    {
        Directory.CreateDirectory(Path.Combine(_rootfs, "etc"));
        File.WriteAllText(Path.Combine(_rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1234:4321::/:/bin/sh\n");
        File.WriteAllText(Path.Combine(_rootfs, "etc", "group"), "root:x:0:\nstaff:x:50:\n");
    }

    public void Dispose() => Directory.Delete(_rootfs, recursive: true);

    private static Process Container() => new()
    {
        Args = ["sleep", "1000"],
        Env = ["PATH=/bin", "A=container", "B=kept"],
        Cwd = "/srv",
        User = new User { Uid = 7, Gid = 8 },
        Capabilities = new Capabilities { Bounding = ["CAP_CHOWN"], Effective = ["CAP_CHOWN"], Permitted = ["CAP_CHOWN"] },
        OomScoreAdj = 250,
    };

    [Fact]
    public void The_exec_keeps_the_containers_env_user_and_cwd_and_replaces_its_command()
    {
        var p = ExecProcessSpec.Build(Container(), new ExecSpec { Cmd = ["echo", "x"], Env = ["A=exec", "C=new"] }, _rootfs);

        Assert.Equal(["echo", "x"], p.Args);
        Assert.Equal(["PATH=/bin", "A=exec", "B=kept", "C=new"], p.Env);
        Assert.Equal("/srv", p.Cwd);
        Assert.Equal((7u, 8u), (p.User.Uid, p.User.Gid));
        Assert.False(p.Terminal);
        Assert.Equal(["CAP_CHOWN"], p.Capabilities!.Effective);
    }

    [Fact]
    public void The_exec_has_the_containers_oom_score_as_under_docker_and_runc()
    {
        Assert.Equal(250, ExecProcessSpec.Build(Container(), new ExecSpec { Cmd = ["true"] }, _rootfs).OomScoreAdj);
    }

    [Fact]
    public void Tty_workdir_and_privileged_are_the_execs_own()
    {
        var p = ExecProcessSpec.Build(Container(), new ExecSpec { Cmd = ["sh"], Tty = true, WorkingDir = "/tmp", Privileged = true }, _rootfs);

        Assert.True(p.Terminal);
        Assert.Contains("TERM=xterm", p.Env!);
        Assert.Equal("/tmp", p.Cwd);
        Assert.Contains("CAP_SYS_ADMIN", p.Capabilities!.Effective!);
    }

    [Theory]
    [InlineData("1000", 1000u, 0u)]
    [InlineData("1000:2000", 1000u, 2000u)]
    [InlineData("app", 1234u, 4321u)]
    [InlineData("app:staff", 1234u, 50u)]
    [InlineData("1234", 1234u, 4321u)]
    [InlineData("0:staff", 0u, 50u)]
    public void Users_and_groups_resolve_by_number_or_by_name_in_the_rootfs(string user, uint uid, uint gid)
    {
        var p = ExecProcessSpec.Build(Container(), new ExecSpec { Cmd = ["id"], User = user }, _rootfs);

        Assert.Equal((uid, gid), (p.User.Uid, p.User.Gid));
    }

    [Fact]
    public void An_unknown_user_name_is_dockers_unable_to_find_user()
    {
        var e = Assert.Throws<ArgumentException>(() => ExecProcessSpec.Build(Container(), new ExecSpec { Cmd = ["id"], User = "ghost" }, _rootfs));

        Assert.Equal("unable to find user ghost: no matching entries in passwd file", e.Message);
    }

    [Fact]
    public void A_symlinked_passwd_is_not_followed_out_of_the_rootfs()
    {
        File.Delete(Path.Combine(_rootfs, "etc", "passwd"));
        File.CreateSymbolicLink(Path.Combine(_rootfs, "etc", "passwd"), "/etc/passwd");

        Assert.Throws<ArgumentException>(() => ExecProcessSpec.Build(Container(), new ExecSpec { Cmd = ["id"], User = "root" }, _rootfs));
    }

    [Fact]
    public void An_exec_starts_once_and_a_second_start_is_refused_as_docker_does()
    {
        var created = ExecRecord.New("e1", "c1", new ExecSpec { Cmd = ["true"] });

        Assert.Null(created.StartRefusal);
        Assert.Equal("Error: Exec command e1 is already running", created.Started(5).StartRefusal);
        Assert.Equal("Error: Exec command e1 has already run", created.Started(5).Exited(0).StartRefusal);
        Assert.Equal(0, created.Started(5).Exited(0).View().ExitCode);
        Assert.Null(created.View().ExitCode);
    }
}
