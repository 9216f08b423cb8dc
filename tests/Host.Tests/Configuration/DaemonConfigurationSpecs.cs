using Berth.Host.Configuration;
using Berth.TestSupport;

namespace Berth.Host.Tests.Configuration;

public sealed class DaemonConfigurationSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    private static DaemonOptions Build(params string[] args) => DaemonConfiguration.Build(DaemonArguments.Parse(args));

    private string ConfigFile(string json)
    {
        var path = _dir.Combine("daemon.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Without_flags_berthd_uses_the_documented_defaults()
    {
        var o = Build();
        Assert.Equal(["unix:///run/berth/berth.sock"], o.Hosts);
        Assert.Equal("/var/lib/berth", o.DataRoot);
        Assert.Equal("/run/berth", o.ExecRoot);
        Assert.Equal("sqlite", o.Persistence.Provider);
        Assert.Equal("/var/lib/berth/berth.db", o.DefaultDatabasePath);
        Assert.True(o.LiveRestore);
    }

    [Fact]
    public void Flags_take_dockerd_spellings_with_and_without_equals()
    {
        var o = Build("-H", "unix:///tmp/a.sock", "--host=tcp://127.0.0.1:2375", "--data-root=/srv/b", "-l", "debug", "--pidfile", "/tmp/p");
        Assert.Equal(["unix:///tmp/a.sock", "tcp://127.0.0.1:2375"], o.Hosts);
        Assert.Equal("/srv/b", o.DataRoot);
        Assert.Equal("debug", o.LogLevel);
        Assert.Equal("/tmp/p", o.PidFile);
    }

    [Fact]
    public void The_config_file_binds_daemon_json_keys_and_berths_own_persistence_section()
    {
        var path = ConfigFile("""
            { "hosts": ["unix:///tmp/x.sock"], "data-root": "/srv/berth", "log-level": "warn",
              "registry-mirrors": ["https://m.example"], "live-restore": false,
              "runtimes": { "fast": { "path": "/usr/bin/crun" } },
              "persistence": { "provider": "postgresql", "connection-string": "Host=127.0.0.1;Database=b" } }
            """);
        var o = Build("--config-file", path);
        Assert.Equal(["unix:///tmp/x.sock"], o.Hosts);
        Assert.Equal("/srv/berth", o.DataRoot);
        Assert.Equal("warn", o.LogLevel);
        Assert.Equal(["https://m.example"], o.RegistryMirrors);
        Assert.False(o.LiveRestore);
        Assert.Equal("/usr/bin/crun", o.Runtimes["fast"]);
        Assert.Equal("postgresql", o.Persistence.Provider);
        Assert.Equal("Host=127.0.0.1;Database=b", o.Persistence.ConnectionString);
    }

    [Fact]
    public void The_allowed_browser_origin_comes_from_api_cors_header_as_flag_or_daemon_json_key()
    {
        Assert.Null(Build().ApiCorsHeader);
        Assert.Equal("http://a.example", Build("--api-cors-header", "http://a.example").ApiCorsHeader);
        Assert.Equal("*", Build("--config-file", ConfigFile("""{ "api-cors-header": "*" }""")).ApiCorsHeader);
    }

    [Fact]
    public void A_setting_given_both_as_flag_and_in_the_file_is_refused_like_dockerd()
    {
        var path = ConfigFile("""{ "data-root": "/srv/a" }""");
        var e = Assert.Throws<ConfigurationException>(() => Build("--config-file", path, "--data-root", "/srv/b"));
        Assert.Equal("the following directives are specified both as a flag and in the configuration file: data-root", e.Message);
    }

    [Fact]
    public void An_unknown_key_in_the_file_is_named_in_the_error()
    {
        var path = ConfigFile("""{ "data-rot": "/srv/a" }""");
        var e = Assert.Throws<ConfigurationException>(() => Build("--config-file", path));
        Assert.StartsWith("the following directives don't match any configuration option: data-rot", e.Message);
    }

    [Theory]
    [InlineData("{ \"data-root\": ", "unable to parse configuration file")]
    [InlineData("[1, 2]", "must hold a JSON object")]
    [InlineData("{ \"hosts\": \"unix:///a\" }", "configuration option \"hosts\" must be a list of strings")]
    [InlineData("{ \"live-restore\": \"yes\" }", "configuration option \"live-restore\" must be true or false")]
    [InlineData("{ \"persistence\": { \"provider\": \"oracle\" } }", "invalid persistence provider \"oracle\"")]
    [InlineData("{ \"persistence\": { \"provider\": \"postgresql\" } }", "needs a connection string")]
    public void A_bad_config_file_is_refused_with_a_reason(string json, string expected)
    {
        var path = ConfigFile(json);
        var e = Assert.Throws<ConfigurationException>(() => Build("--config-file", path));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(new[] { "--nope" }, "unknown flag: --nope")]
    [InlineData(new[] { "--data-root" }, "flag needs an argument: --data-root")]
    [InlineData(new[] { "--data-root", "relative/dir" }, "data-root must be an absolute path")]
    [InlineData(new[] { "-H", "http://x" }, "invalid host \"http://x\"")]
    [InlineData(new[] { "-H", "tcp://somewhere" }, "expected tcp://<ip>:<port>")]
    [InlineData(new[] { "--log-level", "loud" }, "invalid log level \"loud\"")]
    [InlineData(new[] { "--tlsverify" }, "--tlsverify needs --tlscacert, --tlscert and --tlskey")]
    [InlineData(new[] { "--debug=maybe" }, "invalid boolean value \"maybe\" for --debug")]
    [InlineData(new[] { "--data-root", "/a", "--data-root", "/b" }, "flag --data-root given more than once")]
    [InlineData(new[] { "--config-file", "/nonexistent/daemon.json" }, "unable to read configuration file /nonexistent/daemon.json")]
    public void A_bad_flag_is_refused_with_a_reason(string[] args, string expected)
    {
        var e = Assert.Throws<ConfigurationException>(() => Build(args));
        Assert.Contains(expected, e.Message);
    }

    public void Dispose() => _dir.Dispose();
}
