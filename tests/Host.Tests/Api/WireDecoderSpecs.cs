using System.Text.Json;
using Berth.Actors.Protocol;
using Berth.Host.Api;

namespace Berth.Host.Tests.Api;

/// <summary>Request bodies are read into berth's records the way Go's encoding/json reads them into docker's types.</summary>
public sealed class WireDecoderSpecs
{
    private static CreateRequestBody? Create(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return WireDecoder.Decode<CreateRequestBody>(doc.RootElement, "CreateRequest");
    }

    private static string Refusal(string json) => Assert.Throws<ApiException>(() => Create(json)).Message;

    [Fact]
    public void Null_leaves_a_field_at_its_default()
    {
        var body = Create("""{"Image":null,"WorkingDir":null,"Cmd":null,"StopTimeout":null,"HostConfig":{"CpusetCpus":null,"Memory":null,"Init":null,"RestartPolicy":null}}""")!;

        Assert.Equal(("", "", null, null), (body.Config!.Image, body.Config.WorkingDir, body.Config.Cmd, body.Config.StopTimeout));
        Assert.Equal(("", 0L, (bool?)null, (RestartPolicySpec?)null), (body.HostConfig!.CpusetCpus, body.HostConfig.Memory, body.HostConfig.Init, body.HostConfig.RestartPolicy));
    }

    [Fact]
    public void Null_inside_a_list_or_a_map_is_the_zero_value_never_a_null()
    {
        var body = Create("""{"Env":[null,"A=1"],"Labels":{"k":null},"HostConfig":{"Mounts":[null],"Ulimits":[null],"Tmpfs":{"/x":null},"PortBindings":{"80/tcp":null}}}""")!;

        Assert.Equal(["", "A=1"], body.Config!.Env!);
        Assert.Equal("", body.Config.Labels!["k"]);
        Assert.Equal(new MountSpec(), Assert.Single(body.HostConfig!.Mounts!));
        Assert.Equal(new UlimitSpec(), Assert.Single(body.HostConfig.Ulimits!));
        Assert.Equal("", body.HostConfig.Tmpfs!["/x"]);
        Assert.Empty(body.HostConfig.PortBindings!["80/tcp"]);
    }

    [Fact]
    public void Field_names_match_in_any_case_and_unknown_fields_are_ignored()
    {
        var body = Create("""{"image":"busybox","CMD":["true"],"NoSuchField":{"deep":[1]},"hostconfig":{"memory":67108864}}""")!;

        Assert.Equal(("busybox", "true", 67108864L), (body.Config!.Image, body.Config.Cmd![0], body.HostConfig!.Memory));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"HostConfig":{"Memory":67108864}}""")]
    [InlineData("""{"NoSuchField":1}""")]
    public void Config_is_null_when_no_config_field_is_given_as_go_leaves_an_embedded_pointer(string json) =>
        Assert.Null(Create(json)!.Config);

    [Fact]
    public void A_json_null_body_is_null() => Assert.Null(Create("null"));

    [Fact]
    public void Cmd_entrypoint_shell_and_capabilities_take_a_lone_string_as_strslice_does()
    {
        var body = Create("""{"Cmd":"echo hi","Entrypoint":"sh","Shell":"bash","HostConfig":{"CapAdd":"NET_ADMIN","CapDrop":"ALL"}}""")!;

        Assert.Equal(["echo hi"], body.Config!.Cmd!);
        Assert.Equal(["sh"], body.Config.Entrypoint!);
        Assert.Equal(["bash"], body.Config.Shell!);
        Assert.Equal(["NET_ADMIN"], body.HostConfig!.CapAdd!);
        Assert.Equal(["ALL"], body.HostConfig.CapDrop!);
        Assert.Equal("invalid JSON: json: cannot unmarshal string into Go struct field CreateRequest.Env of type []string", Refusal("""{"Env":"A=1"}"""));
    }

    [Theory]
    [InlineData("""{"Image":5}""", "cannot unmarshal number into Go struct field CreateRequest.Image of type string")]
    [InlineData("""{"Env":["A=1",5]}""", "cannot unmarshal number into Go struct field CreateRequest.Env of type string")]
    [InlineData("""{"Tty":"yes"}""", "cannot unmarshal string into Go struct field CreateRequest.Tty of type bool")]
    [InlineData("""{"Labels":[]}""", "cannot unmarshal array into Go struct field CreateRequest.Labels of type map[string]string")]
    [InlineData("""{"HostConfig":"x"}""", "cannot unmarshal string into Go struct field CreateRequest.HostConfig of type ContainerHostConfig")]
    [InlineData("""{"HostConfig":{"Memory":1.5}}""", "cannot unmarshal number 1.5 into Go struct field CreateRequest.HostConfig.Memory of type int64")]
    [InlineData("""{"HostConfig":{"Memory":99999999999999999999}}""", "cannot unmarshal number 99999999999999999999 into Go struct field CreateRequest.HostConfig.Memory of type int64")]
    [InlineData("""{"HostConfig":{"OomScoreAdj":3000000000}}""", "cannot unmarshal number 3000000000 into Go struct field CreateRequest.HostConfig.OomScoreAdj of type int")]
    [InlineData("""{"HostConfig":{"RestartPolicy":{"MaximumRetryCount":"3"}}}""", "cannot unmarshal string into Go struct field CreateRequest.HostConfig.RestartPolicy.MaximumRetryCount of type int")]
    [InlineData("""{"HostConfig":{"Mounts":[{"ReadOnly":1}]}}""", "cannot unmarshal number into Go struct field CreateRequest.HostConfig.Mounts.ReadOnly of type bool")]
    [InlineData("""{"ExposedPorts":{"80/tcp":"x"}}""", "cannot unmarshal string into Go struct field CreateRequest.ExposedPorts of type struct {}")]
    [InlineData("[]", "cannot unmarshal array into Go value of type CreateRequest")]
    public void A_value_of_the_wrong_type_is_refused_with_gos_message(string json, string message) =>
        Assert.Equal("invalid JSON: json: " + message, Refusal(json));
}
