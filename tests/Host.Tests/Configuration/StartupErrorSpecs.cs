using Berth.TestSupport;

namespace Berth.Host.Tests.Configuration;

/// <summary>The real berthd binary: bad input is one line on stderr and exit code 1, and nothing is started.</summary>
public sealed class StartupErrorSpecs
{
    [Theory]
    [InlineData("--bogus")]
    [InlineData("--log-level=shouty")]
    [InlineData("-H=ftp://x")]
    public async Task A_bad_flag_prints_one_line_and_exits_1(string flag)
    {
        using var dir = new TempDir();
        var r = await Run.Program(Repo.Binary("berthd"), [flag, "--data-root", dir.Combine("d"), "--exec-root", dir.Combine("e")]);
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("berthd: ", line);
        Assert.False(Directory.Exists(dir.Combine("d")), "a refused start must not create the data root");
    }

    [Fact]
    public async Task A_bad_config_file_prints_one_line_naming_the_file_and_exits_1()
    {
        using var dir = new TempDir();
        var file = dir.Combine("daemon.json");
        await File.WriteAllTextAsync(file, "{ \"hosts\": [ }");
        var r = await Run.Program(Repo.Binary("berthd"), ["--config-file", file]);
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith($"berthd: unable to parse configuration file {file}", line);
    }

    [Fact]
    public async Task Help_lists_the_flags_and_exits_0()
    {
        var r = await Run.Program(Repo.Binary("berthd"), ["--help"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("--data-root", r.Stdout);
        Assert.Contains("--tlsverify", r.Stdout);
    }
}
