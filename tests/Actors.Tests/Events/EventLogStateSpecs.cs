using Berth.Actors.Events;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Events;

public sealed class EventLogStateSpecs
{
    private static EventRecorded At(long nano, string action = "start") =>
        new(new EngineEvent("container", action, "c1", new Dictionary<string, string>(), nano));

    [Fact]
    public void Events_are_kept_in_the_order_they_were_recorded()
    {
        var s = EventLogState.Empty().Apply(At(1, "create")).Apply(At(2, "start"));
        Assert.Equal(["create", "start"], s.Events.Select(e => e.Action));
    }

    [Fact]
    public void Past_capacity_the_oldest_events_are_dropped()
    {
        var s = EventLogState.Empty(capacity: 3);
        for (var i = 1; i <= 5; i++) s = s.Apply(At(i));
        Assert.Equal([3L, 4L, 5L], s.Events.Select(e => e.TimeNano));
        Assert.Equal(3, s.Count);
    }

    [Fact]
    public void A_query_returns_events_between_since_and_until_inclusive()
    {
        var s = EventLogState.Empty();
        for (var i = 1; i <= 5; i++) s = s.Apply(At(i));
        Assert.Equal([2L, 3L, 4L], s.Between(2, 4).Select(e => e.TimeNano));
    }

    [Fact]
    public void A_snapshot_restores_the_window()
    {
        var s = EventLogState.Empty(capacity: 2).Restore(new EventLogSnapshot([At(1).Event, At(2).Event, At(3).Event]));
        Assert.Equal([2L, 3L], s.Events.Select(e => e.TimeNano));
    }
}
