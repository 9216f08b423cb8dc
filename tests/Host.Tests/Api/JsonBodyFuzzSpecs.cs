using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Host.Api;
using Berth.Host.Configuration;
using Berth.TestSupport;
using Microsoft.AspNetCore.Routing;

namespace Berth.Host.Tests.Api;

/// <summary>
/// Every JSON body the Engine API takes, fuzzed field by field: the endpoints come from berthd's own endpoint map, the
/// fields from the records the bodies are decoded into (recursively, into list elements and map values), so a new
/// endpoint or field is covered without touching this spec. Null, every wrong JSON type and a missing value in each
/// field is answered with a 2xx or a 4xx, never a 5xx or a hang, while another client's `docker run` keeps completing.
/// </summary>
public sealed class JsonBodyFuzzSpecs : ContainerSpecs
{
    /// <summary>A valid body for each JSON endpoint; each case changes one thing in it.</summary>
    private static readonly Dictionary<string, string> BaseBodies = new()
    {
        ["/containers/create"] = """{"Image":"busybox","Cmd":["true"],"HostConfig":{"Memory":67108864}}""",
        ["/containers/{id}/update"] = """{"CpuShares":512}""",
        ["/containers/{id}/exec"] = """{"Cmd":["true"],"AttachStdout":true}""",
        ["/exec/{id}/start"] = """{"Detach":true}""",
    };

    /// <summary>Stands for "leave the field out".</summary>
    private static readonly JsonNode Missing = JsonValue.Create("<missing>");

    private readonly string _target = "fuzz-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Every_field_of_every_json_body_answers_null_wrong_types_and_absence_with_2xx_or_4xx_while_docker_run_keeps_working()
    {
        var endpoints = await JsonEndpoints();
        Assert.Equal(BaseBodies.Keys.Order(), endpoints.Keys.Order());
        await Ok("run", "-d", "--name", _target, "busybox", "sleep", "1000");
        using var http = UnixHttp.Client(Daemon.Socket);
        using var stop = new CancellationTokenSource();
        var runs = KeepRunning(stop.Token);

        var failures = new List<string>();
        var count = 0;
        foreach (var (pattern, type) in endpoints)
            foreach (var (label, body) in Cases(type, JsonNode.Parse(BaseBodies[pattern])!.AsObject()))
            {
                count++;
                var path = pattern.StartsWith("/exec/", StringComparison.Ordinal) ? pattern.Replace("{id}", await NewExec(http)) : pattern.Replace("{id}", _target);
                using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
                var text = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode >= 500) failures.Add($"{pattern} {label}: {(int)response.StatusCode} {text}");
                if (pattern == "/containers/create" && response.StatusCode == HttpStatusCode.Created)
                    await http.DeleteAsync($"/containers/{JsonDocument.Parse(text).RootElement.GetProperty("Id").GetString()}?force=1");
            }
        stop.Cancel();
        var completed = await runs;

        Assert.True(failures.Count == 0, $"{failures.Count} of {count} cases failed:\n{string.Join('\n', failures)}");
        Assert.NotEmpty(completed);
        Assert.All(completed, r => Assert.True(r is { ExitCode: 0, Stdout: "ok\n" }, r.ToString()));
        Assert.Equal("ok\n", await Ok("run", "--rm", "busybox", "echo", "ok"));
    }

    /// <summary>berthd's endpoints that declare a JSON body, by route pattern, with the shape of that body.</summary>
    private static async Task<Dictionary<string, WireType>> JsonEndpoints()
    {
        using var dir = new TempDir();
        var options = new DaemonOptions { DataRoot = Directory.CreateDirectory(dir.Combine("data")).FullName, ExecRoot = dir.Combine("exec") };
        var app = Berth.Host.Daemon.Build(options, []);
        try
        {
            return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                .Where(e => e.Metadata.GetMetadata<JsonBodyMetadata>() != null)
                .ToDictionary(e => e.RoutePattern.RawText!, e => WireType.Of(e.Metadata.GetMetadata<JsonBodyMetadata>()!.Type));
        }
        finally { await app.DisposeAsync(); }
    }

    /// <summary>`docker run --rm busybox echo ok`, again and again, until the fuzzing is over.</summary>
    private Task<List<Run.Result>> KeepRunning(CancellationToken stop) => Task.Run(async () =>
    {
        var results = new List<Run.Result>();
        while (!stop.IsCancellationRequested) results.Add(await Docker("run", "--rm", "busybox", "echo", "ok"));
        return results;
    });

    private async Task<string> NewExec(HttpClient http)
    {
        using var created = await http.PostAsync($"/containers/{_target}/exec", new StringContent("""{"Cmd":["true"]}""", Encoding.UTF8, "application/json"));
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("Id").GetString()!;
    }

    /// <summary>One body per change: each field of the object, and everything inside it, set to each variant in turn.</summary>
    private static IEnumerable<(string Label, string Body)> Cases(WireType type, JsonObject body) =>
        ObjectVariants(type, body, "").Select(v => (v.Label, v.Value!.ToJsonString()));

    private static IEnumerable<(string Label, JsonNode? Value)> ObjectVariants(WireType type, JsonObject? current, string path)
    {
        foreach (var field in Flattened(type))
        {
            var present = current?.ContainsKey(field.Name) == true;
            foreach (var (label, value) in SlotVariants(field.Type, present ? current![field.Name] : null, present, path + field.Name))
            {
                var copy = current?.DeepClone().AsObject() ?? [];
                if (ReferenceEquals(value, Missing)) copy.Remove(field.Name);
                else copy[field.Name] = value?.DeepClone();
                yield return (label, copy);
            }
        }
    }

    /// <summary>Go embeds docker's Config in the create body: its fields sit beside HostConfig.</summary>
    private static IEnumerable<WireField> Flattened(WireType type) =>
        type.Fields.SelectMany(f => f.Embedded ? Flattened(f.Type) : [f]);

    /// <summary>What one slot (a field, a list element, a map value) can hold instead of its valid value.</summary>
    private static IEnumerable<(string Label, JsonNode? Value)> SlotVariants(WireType type, JsonNode? current, bool present, string path)
    {
        yield return ($"{path}: null", null);
        foreach (var (kind, sample) in WrongKinds(type)) yield return ($"{path}: {kind}", sample);
        if (present) yield return ($"{path}: missing", Missing);
        switch (type.Kind)
        {
            case WireKind.Object:
                foreach (var v in ObjectVariants(type, current as JsonObject, path + ".")) yield return v;
                break;
            case WireKind.List:
                var first = (current as JsonArray)?.FirstOrDefault();
                foreach (var (label, value) in SlotVariants(type.Element!, first, first != null, path + "[]").Where(v => !ReferenceEquals(v.Value, Missing)))
                    yield return (label, new JsonArray(value?.DeepClone()));
                break;
            case WireKind.Map:
                foreach (var (label, value) in SlotVariants(type.Element!, null, false, path + "{k}"))
                    yield return (label, new JsonObject { ["k"] = value?.DeepClone() });
                break;
        }
    }

    /// <summary>A sample of every JSON kind the slot does not take (for integers: fractions and overflow too).</summary>
    private static IEnumerable<(string Kind, JsonNode Sample)> WrongKinds(WireType type)
    {
        if (type.Kind != WireKind.String && !type.AcceptsString) yield return ("a string", JsonValue.Create("x"));
        if (type.Kind == WireKind.Integer)
        {
            yield return ("a fraction", JsonValue.Create(1.5));
            yield return ("an overflowing number", JsonNode.Parse("99999999999999999999")!);
        }
        else yield return ("a number", JsonValue.Create(1));
        if (type.Kind != WireKind.Boolean) yield return ("a bool", JsonValue.Create(true));
        if (type.Kind != WireKind.List) yield return ("an array", new JsonArray());
        if (type.Kind is not (WireKind.Object or WireKind.Map)) yield return ("an object", new JsonObject());
    }
}
