using Berth.Runtime.Containers;
using Berth.Runtime.Oci;
using Berth.Runtime.Tests.Support;
using Berth.TestSupport;
using NJsonSchema;

namespace Berth.Runtime.Tests.Oci;

/// <summary>What we accept and what we print, checked against the OCI JSON schemas (draft-04).</summary>
public sealed class SchemaSpecs
{
    private static string SpecDir => Path.Combine(Repo.Shared, "specs/oci/runtime-spec");

    private static JsonSchema Schema(string file) => JsonSchema.FromFileAsync(Path.Combine(SpecDir, file)).GetAwaiter().GetResult();

    private static void AssertValid(string schemaFile, string json)
    {
        var errors = Schema(schemaFile).Validate(json);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")) + "\n" + json);
    }

    [Fact]
    public void The_bundles_the_specs_run_are_valid_configs()
    {
        using var b = Bundle.Busybox("true").WithOutDir()
            .With("linux.seccomp", System.Text.Json.Nodes.JsonNode.Parse("""{ "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [ { "names": ["mkdir"], "action": "SCMP_ACT_ERRNO" } ] }"""))
            .With("linux.resources.memory", System.Text.Json.Nodes.JsonNode.Parse("""{ "limit": 67108864 }"""));
        AssertValid("config-schema.json", b.Config.ToJsonString());
    }

    [Fact]
    public void Spec_writes_a_valid_config()
    {
        using var b = Bundle.Busybox();
        using var rt = OciRuntime.Berth();
        File.Delete(Path.Combine(b.Dir, "config.json"));
        rt.Exec("spec", "--bundle", b.Dir).ShouldSucceed();
        AssertValid("config-schema.json", File.ReadAllText(Path.Combine(b.Dir, "config.json")));
    }

    [Fact]
    public void State_and_features_output_is_valid()
    {
        using var b = Bundle.Busybox("sleep", "30").Write();
        using var rt = OciRuntime.Berth();
        var id = rt.NewId();
        rt.Exec("create", "--bundle", b.Dir, id).ShouldSucceed();
        AssertValid("state-schema.json", rt.State(id));
        AssertValid("features-schema.json", rt.Exec("features").ShouldSucceed().Stdout);
    }

    public static TheoryData<string> GoodConfigs() => new(Directory.GetFiles(Path.Combine(SpecDir, "test/config/good"), "*.json").Select(Path.GetFileName)!);
    public static TheoryData<string> BadConfigs() => new(Directory.GetFiles(Path.Combine(SpecDir, "test/config/bad"), "*.json").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(GoodConfigs))]
    public void Every_config_the_schema_accepts_parses(string file)
    {
        var json = File.ReadAllText(Path.Combine(SpecDir, "test/config/good", file));
        AssertValid("config-schema.json", json);
        Assert.NotNull(OciJson.ParseSpec(json));
    }

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Every_config_the_schema_rejects_is_refused_with_a_named_field(string file)
    {
        var json = File.ReadAllText(Path.Combine(SpecDir, "test/config/bad", file));
        var bundle = Path.Combine("/tmp", "berth-test-schema-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs"));
        try
        {
            var e = Assert.Throws<ConfigException>(() =>
            {
                var spec = OciJson.ParseSpec(json);
                ConfigValidator.Validate(spec, bundle);
            });
            Assert.False(string.IsNullOrEmpty(e.Field));
        }
        finally { Directory.Delete(bundle, true); }
    }
}
