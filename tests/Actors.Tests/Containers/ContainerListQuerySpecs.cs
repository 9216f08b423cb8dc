using Berth.Actors.Containers;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Containers;

/// <summary>`docker ps` answered from the containers' views alone, so any client of the actor API filters as the CLI does.</summary>
public sealed class ContainerListQuerySpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly ContainerView[] Views =
    [
        View("aaa111", "/web", 1, running: true, labels: new() { ["tier"] = "front" }),
        View("bbb222", "/db", 2, running: false, exitCode: 3),
        View("ccc333", "/worker", 3, running: true, labels: new() { ["tier"] = "back" }),
    ];

    [Fact]
    public void Without_all_only_running_containers_are_listed_newest_first()
    {
        Assert.Equal(["ccc333", "aaa111"], Ids(new ListContainers(All: false)));
        Assert.Equal(["ccc333", "bbb222", "aaa111"], Ids(new ListContainers(All: true)));
    }

    [Fact]
    public void Status_and_exited_filters_look_at_stopped_containers_without_all()
    {
        Assert.Equal(["bbb222"], Ids(new ListContainers(false, Filters("{\"status\":[\"exited\"]}"))));
        Assert.Equal(["bbb222"], Ids(new ListContainers(false, Filters("{\"exited\":[\"3\"]}"))));
        Assert.Empty(Ids(new ListContainers(false, Filters("{\"exited\":[\"0\"]}"))));
    }

    [Fact]
    public void Name_id_and_label_filters_match_as_docker_matches_them()
    {
        Assert.Equal(["ccc333"], Ids(new ListContainers(true, Filters("{\"name\":[\"ork\"]}"))));
        Assert.Equal(["bbb222"], Ids(new ListContainers(true, Filters("{\"id\":[\"bbb\"]}"))));
        Assert.Equal(["ccc333", "aaa111"], Ids(new ListContainers(true, Filters("{\"label\":[\"tier\"]}"))));
        Assert.Equal(["aaa111"], Ids(new ListContainers(true, Filters("{\"label\":[\"tier=front\"]}"))));
    }

    [Fact]
    public void Before_and_since_name_a_container_and_an_unknown_one_is_a_404()
    {
        Assert.Equal(["aaa111"], Ids(new ListContainers(true, Filters("{\"before\":[\"db\"]}"))));
        Assert.Equal(["ccc333"], Ids(new ListContainers(true, Filters("{\"since\":[\"bbb\"]}"))));
        var missing = Assert.IsType<ContainerError>(ContainerListQuery.Run(Views, new ListContainers(true, Filters("{\"since\":[\"nope\"]}"))));
        Assert.Equal((ContainerErrorKind.NotFound, "No such container: nope"), (missing.Kind, missing.Message));
    }

    [Fact]
    public void A_limit_takes_the_newest_containers_in_any_state()
    {
        Assert.Equal(["ccc333", "bbb222"], Ids(new ListContainers(false, Limit: 2)));
    }

    [Theory]
    [InlineData("{\"status\":[\"sleeping\"]}", "invalid filter 'status=sleeping'")]
    [InlineData("{\"exited\":[\"x\"]}", "invalid filter 'exited=x'")]
    [InlineData("{\"health\":[\"sick\"]}", "Unrecognised filter value for health: sick")]
    public void Bad_filter_values_are_refused_with_dockers_message(string filters, string message)
    {
        var refused = Assert.IsType<ContainerError>(ContainerListQuery.Run(Views, new ListContainers(true, Filters(filters))));
        Assert.Equal((ContainerErrorKind.Invalid, message), (refused.Kind, refused.Message));
    }

    private static List<string> Ids(ListContainers query) =>
        [.. Assert.IsType<ContainerList>(ContainerListQuery.Run(Views, query)).Items.Select(v => v.Id)];

    private static FilterSet Filters(string json) => FilterSet.FromJson(json);

    private static ContainerView View(string id, string name, int minute, bool running, int exitCode = 0, Dictionary<string, string>? labels = null) =>
        new(id, name, T0.AddMinutes(minute), "sha256:" + new string('a', 64), new ContainerSpec { Image = "busybox", Labels = labels },
            "berth-runtime", "sh", [],
            new ContainerStatusView(running ? "running" : "exited", running, false, false, false, false, running ? 42 : 0, exitCode, "", T0, null), "/log");
}
