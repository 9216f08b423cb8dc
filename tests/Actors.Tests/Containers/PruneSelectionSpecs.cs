using Berth.Actors.Containers;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Containers;

/// <summary>Which containers docker container prune takes: stopped ones, created before until, with label, without label!.</summary>
public sealed class PruneSelectionSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static ContainerView View(string status, DateTimeOffset created, params (string, string)[] labels) => new(
        "id", "/n", created, "sha256:x", new ContainerSpec { Image = "busybox", Labels = labels.ToDictionary(l => l.Item1, l => l.Item2) },
        "berth-runtime", "sh", [],
        new ContainerStatusView(status, status is "running" or "paused", status == "paused", false, false, false, 0, 0, "", null, null), "");

    private static PruneContainers Prune(DateTimeOffset? until = null, string[]? labels = null, string[]? notLabels = null) =>
        new(until, labels ?? [], notLabels ?? []);

    [Fact]
    public void Stopped_and_created_containers_are_pruned_running_and_paused_ones_are_not()
    {
        Assert.True(PruneSelection.Matches(View("exited", T0), Prune()));
        Assert.True(PruneSelection.Matches(View("created", T0), Prune()));
        Assert.False(PruneSelection.Matches(View("running", T0), Prune()));
        Assert.False(PruneSelection.Matches(View("paused", T0), Prune()));
    }

    [Fact]
    public void Until_keeps_containers_created_after_it()
    {
        Assert.True(PruneSelection.Matches(View("exited", T0), Prune(until: T0.AddSeconds(1))));
        Assert.False(PruneSelection.Matches(View("exited", T0.AddSeconds(2)), Prune(until: T0.AddSeconds(1))));
    }

    [Fact]
    public void Label_needs_every_label_and_label_not_excludes_any()
    {
        var v = View("exited", T0, ("team", "a"), ("tier", "web"));
        Assert.True(PruneSelection.Matches(v, Prune(labels: ["team=a", "tier"])));
        Assert.False(PruneSelection.Matches(v, Prune(labels: ["team=b"])));
        Assert.False(PruneSelection.Matches(v, Prune(notLabels: ["tier"])));
        Assert.True(PruneSelection.Matches(v, Prune(notLabels: ["tier=db"])));
    }
}
