using System.Text.Json;
using Berth.Actors.Containers;
using Berth.Actors.Containers.Bundle;
using Berth.Actors.Protocol;
using Berth.Actors.Protocol.Serialization;
using Berth.Host.Api;
using Berth.Host.Persistence;

namespace Berth.Host.Tests.Persistence;

/// <summary>
/// A container created by berthd 0.1.0 (its first event holds docker's Config and HostConfig, container.created.v1)
/// recovers into the same <see cref="ContainerSpec"/> a create of the same request makes today (container.created.v2),
/// and inspect shows it as before.
/// </summary>
public sealed class DockerShapesUpcastSpecs
{
    /// <summary>exited-three's first event, as the 0.1.0 fixture data root holds it (Persistence/Migration).</summary>
    private const string FixtureV1 = """
        {"id":"07a717e3c04d8afc58e4e4d69edd2ed40b93f694a055c4b14f1ac0b443a66b97","name":"/exited-three","created":"2026-12-04T14:15:14.1879612+00:00","imageId":"sha256:ee8791ef1cf2718c85251c321a121caed1c6715021237a23d6ce778219a711ba","config":{"hostname":"","domainname":"","user":"","attachStdin":false,"attachStdout":true,"attachStderr":true,"tty":false,"openStdin":false,"stdinOnce":false,"env":[],"cmd":["sh","-c","echo out; exit 3"],"image":"busybox:fixture","volumes":{},"workingDir":"","entrypoint":null,"onBuild":null,"labels":{}},"hostConfig":{"autoRemove":false,"networkMode":"default","runtime":"","binds":null,"mounts":null,"tmpfs":null,"restartPolicy":{"name":"no","maximumRetryCount":0},"logConfig":{"type":"","config":{}},"memory":0,"memorySwap":0,"memoryReservation":0,"nanoCpus":0,"cpuShares":0,"cpuPeriod":0,"cpuQuota":0,"cpusetCpus":"","cpusetMems":"","pidsLimit":0,"ulimits":[],"capAdd":null,"capDrop":null,"privileged":false,"devices":[],"deviceCgroupRules":null,"readonlyRootfs":false,"securityOpt":null,"sysctls":null,"init":null,"extraHosts":null,"dns":[],"dnsOptions":[],"dnsSearch":[],"shmSize":0,"oomScoreAdj":0,"portBindings":{}},"lowerDirs":["/tmp/persist-fix/root/data/snapshots/62dee1f61bbc9faf79141299068df5e1a56af1df11f6bc273388a8e33d195e47/fs"],"chainIds":["sha256:62dee1f61bbc9faf79141299068df5e1a56af1df11f6bc273388a8e33d195e47"],"runtime":"/tmp/persist-fix/old-out/berth-runtime","shortId":"07a717e3c04d","argv":["sh","-c","echo out; exit 3"]}
        """;

    /// <summary>What the docker CLI sent for `docker run --name exited-three busybox:fixture sh -c "echo out; exit 3"`.</summary>
    private const string FixtureRequest = """
        {"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,
         "StdinOnce":false,"Env":[],"Cmd":["sh","-c","echo out; exit 3"],"Image":"busybox:fixture","Volumes":{},"WorkingDir":"","Entrypoint":null,
         "OnBuild":null,"Labels":{},
         "HostConfig":{"Binds":null,"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":false,
           "CapAdd":null,"CapDrop":null,"Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"Privileged":false,"ReadonlyRootfs":false,
           "SecurityOpt":null,"LogConfig":{"Type":"","Config":{}},"Devices":[],"DeviceCgroupRules":null,"Ulimits":[],"PidsLimit":0}}
        """;

    /// <summary>A request that sets something in every part of a spec.</summary>
    private const string RichRequest = """
        {"Hostname":"web","User":"1000:1000","AttachStdout":true,"Tty":true,"OpenStdin":true,"StdinOnce":true,"Env":["A=1","PATH=/opt/bin"],
         "Cmd":["serve","--port","80"],"Entrypoint":["/app"],"Image":"example/app:1","WorkingDir":"/srv","Labels":{"tier":"front","berth.health-on-failure":"restart"},
         "ExposedPorts":{"8080/tcp":{}},"StopSignal":"SIGQUIT","StopTimeout":20,"Shell":["/bin/bash","-c"],
         "Healthcheck":{"Test":["CMD-SHELL","curl -f localhost"],"Interval":2000000000,"Retries":4},
         "HostConfig":{"Binds":["/srv/data:/data:ro"],"NetworkMode":"host","RestartPolicy":{"Name":"on-failure","MaximumRetryCount":3},
           "Mounts":[{"Type":"tmpfs","Target":"/cache","TmpfsOptions":{"SizeBytes":1048576,"Mode":448}},{"Type":"bind","Source":"/tmp","Target":"/mnt/tmp","BindOptions":{"Propagation":"rslave"}}],
           "Tmpfs":{"/run":"size=1m"},"LogConfig":{"Type":"json-file","Config":{"max-size":"1m"}},"Memory":67108864,"MemoryReservation":33554432,
           "NanoCpus":500000000,"CpuShares":512,"CpusetCpus":"0","PidsLimit":64,"Ulimits":[{"Name":"nofile","Soft":1024,"Hard":2048}],
           "CapAdd":["NET_ADMIN"],"CapDrop":["MKNOD"],"SecurityOpt":["no-new-privileges"],"Devices":[{"PathOnHost":"/dev/null","PathInContainer":"/dev/nil","CgroupPermissions":"rw"}],
           "DeviceCgroupRules":["c 1:3 rwm"],"ReadonlyRootfs":true,"Sysctls":{"kernel.shmmax":"1000000"},"Init":true,"ExtraHosts":["db:10.0.0.5"],
           "Dns":["1.1.1.1"],"DnsOptions":["ndots:2"],"DnsSearch":["example.org"],"ShmSize":8388608,"OomScoreAdj":100,
           "PortBindings":{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}]}}}
        """;

    /// <summary>The image the rich request runs: an environment, a command, labels, a health check, ports, volumes and a stop signal.</summary>
    private static readonly ContainerConfig RichImage = new()
    {
        Env = ["PATH=/usr/bin", "LANG=C"],
        Cmd = ["default"],
        Labels = new Dictionary<string, string> { ["tier"] = "back", ["vendor"] = "example" },
        Healthcheck = new HealthConfig { Test = ["CMD", "true"], Timeout = 3_000_000_000, StartPeriod = 1_000_000_000 },
        ExposedPorts = new Dictionary<string, EmptyObject> { ["80/tcp"] = EmptyObject.Instance },
        Volumes = new Dictionary<string, EmptyObject> { ["/var/lib/app"] = EmptyObject.Instance },
        StopSignal = "SIGTERM",
    };

    [Fact]
    public void The_fixtures_0_1_0_container_recovers_into_the_spec_a_create_of_its_request_makes_now()
    {
        var recovered = Upcast(FixtureV1);

        Assert.Equal(Json(CreatedNow(FixtureRequest, new ContainerConfig())), Json(recovered.Spec));
        Assert.Equal(("/exited-three", "busybox:fixture"), (recovered.Name, recovered.Spec.Image));
        Assert.Equal(["sh", "-c", "echo out; exit 3"], recovered.Argv());
    }

    [Fact]
    public void A_0_1_0_record_of_a_request_that_sets_every_part_recovers_into_the_spec_a_create_of_it_makes_now()
    {
        var (config, hostConfig) = Request(RichRequest);
        var v1 = V1Record(Merge010(config, RichImage), hostConfig with { MemorySwap = hostConfig.Memory * 2 });

        var spec = Upcast(v1).Spec;

        Assert.Equal(Json(CreatedNow(RichRequest, RichImage)), Json(spec));
        Assert.Equal(RestartPolicyKind.OnFailure, spec.Restart.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), spec.Health!.Interval);
        Assert.Equal(["LANG=C", "A=1", "PATH=/opt/bin"], spec.Process.Env);
    }

    [Fact]
    public void Inspect_shows_a_recovered_0_1_0_container_with_the_config_and_host_config_it_stored()
    {
        using var doc = JsonDocument.Parse(FixtureV1);
        var spec = Upcast(FixtureV1).Spec;

        Assert.Equal(Canonical(doc.RootElement.GetProperty("config")), Json(ContainerSpecMapper.ToConfig(spec)));
        Assert.Equal(Canonical(doc.RootElement.GetProperty("hostConfig")), Json(ContainerSpecMapper.ToHostConfig(spec)));

        var (config, hostConfig) = Request(RichRequest);
        var rich = Upcast(V1Record(Merge010(config, RichImage), hostConfig)).Spec;
        Assert.Equal(Json(Merge010(config, RichImage)), Json(ContainerSpecMapper.ToConfig(rich)));
        Assert.Equal(Json(hostConfig), Json(ContainerSpecMapper.ToHostConfig(rich)));
    }

    [Fact]
    public void A_0_1_0_update_record_recovers_as_the_resources_and_restart_policy_it_set()
    {
        var (_, hostConfig) = Request(RichRequest);
        var v1 = JsonSerializer.Deserialize<ContainerResourcesUpdatedV1>(
            JsonSerializer.Serialize(new { hostConfig = JsonSerializer.SerializeToElement(hostConfig, BerthJsonSerializer.Json) }, BerthJsonSerializer.Json),
            BerthJsonSerializer.Json)!;

        var updated = Assert.IsType<ContainerResourcesUpdated>(DockerShapesUpcast.Upcast(v1));

        Assert.Equal((67108864L, 64L, 1), (updated.Resources.Memory, updated.Resources.PidsLimit!.Value, updated.Resources.Ulimits!.Count));
        Assert.Equal(new RestartPolicy(RestartPolicyKind.OnFailure, 3), updated.Restart);
    }

    [Fact]
    public void A_restart_policy_or_mount_type_docker_does_not_know_is_refused_at_the_edge_with_dockers_message()
    {
        var (config, hostConfig) = Request(FixtureRequest);

        Assert.Equal("invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
            Assert.Throws<ApiException>(() => ContainerSpecMapper.ToSpec(config, hostConfig with { RestartPolicy = new RestartPolicySpec { Name = "sometimes" } })).Message);
        Assert.Equal("invalid mount config: mount type unknown: \"npipe\"",
            Assert.Throws<ApiException>(() => ContainerSpecMapper.ToSpec(config, hostConfig with { Mounts = [new MountSpec { Type = "npipe", Target = "/x" }] })).Message);
        Assert.Equal("invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
            Assert.Throws<ApiException>(() => ContainerSpecMapper.ToUpdate(new UpdateRequestBody { RestartPolicy = new RestartPolicySpec { Name = "sometimes" } })).Message);
    }

    /// <summary>Today's create: the edge maps the request, the containers actor checks it and merges the image in.</summary>
    private static ContainerSpec CreatedNow(string request, ContainerConfig image)
    {
        var (config, hostConfig) = Request(request);
        return HostConfigValidator.Validate(ContainerDefinition.Merge(ContainerSpecMapper.ToSpec(config, hostConfig), image));
    }

    private static (ContainerConfig Config, ContainerHostConfig HostConfig) Request(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var body = WireDecoder.Decode<CreateRequestBody>(doc.RootElement, "CreateRequest")!;
        return (body.Config!, body.HostConfig!);
    }

    /// <summary>The record as the journal hands it over: deserialized by manifest, then through the journal's read adapter.</summary>
    private static ContainerDefinition Upcast(string v1Json)
    {
        var v1 = Assert.IsType<ContainerCreatedV1>(JsonSerializer.Deserialize(v1Json, BerthJsonSerializer.Registered.Single(r => r.Value == "container.created.v1").Key, BerthJsonSerializer.Json));
        return Assert.IsType<ContainerDefinition>(DockerShapesUpcast.Upcast(v1));
    }

    /// <summary>A container.created.v1 payload as berthd 0.1.0 wrote it (its record held these two docker shapes).</summary>
    private static string V1Record(ContainerConfig config, ContainerHostConfig hostConfig) => JsonSerializer.Serialize(new
    {
        id = new string('b', 64), name = "/rich", created = DateTimeOffset.UnixEpoch, imageId = "sha256:" + new string('c', 64),
        config, hostConfig, chainIds = Array.Empty<string>(), runtime = "berth-runtime",
    }, BerthJsonSerializer.Json);

    /// <summary>berthd 0.1.0's merge of the image config into the request (ContainerDefinition.Merge then), on docker's shapes.</summary>
    private static ContainerConfig Merge010(ContainerConfig request, ContainerConfig image)
    {
        var env = new List<string>(image.Env ?? []);
        foreach (var e in request.Env ?? [])
        {
            var key = e.Split('=', 2)[0];
            env.RemoveAll(x => x.Split('=', 2)[0] == key);
            env.Add(e);
        }
        var entrypoint = request.Entrypoint ?? image.Entrypoint;
        var labels = new Dictionary<string, string>(image.Labels ?? new Dictionary<string, string>());
        foreach (var (k, v) in request.Labels ?? new Dictionary<string, string>()) labels[k] = v;
        var (rh, ih) = (request.Healthcheck, image.Healthcheck);
        var health = rh == null ? ih : ih == null ? rh : rh with
        {
            Test = rh.Test is { Count: > 0 } ? rh.Test : ih.Test,
            Interval = rh.Interval != 0 ? rh.Interval : ih.Interval,
            Timeout = rh.Timeout != 0 ? rh.Timeout : ih.Timeout,
            StartPeriod = rh.StartPeriod != 0 ? rh.StartPeriod : ih.StartPeriod,
            Retries = rh.Retries != 0 ? rh.Retries : ih.Retries,
        };
        return request with
        {
            Env = env,
            Entrypoint = entrypoint is { Count: > 0 } ? entrypoint : null,
            Cmd = request.Cmd is { Count: > 0 } || request.Entrypoint != null ? request.Cmd : image.Cmd,
            WorkingDir = request.WorkingDir is { Length: > 0 } w ? w : image.WorkingDir,
            User = request.User is { Length: > 0 } u ? u : image.User,
            Labels = labels,
            StopSignal = request.StopSignal ?? image.StopSignal,
            ExposedPorts = request.ExposedPorts ?? image.ExposedPorts,
            Volumes = request.Volumes ?? image.Volumes,
            Healthcheck = health,
        };
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, BerthJsonSerializer.Json);

    private static string Canonical(JsonElement e) => JsonSerializer.Serialize(e, BerthJsonSerializer.Json);
}
