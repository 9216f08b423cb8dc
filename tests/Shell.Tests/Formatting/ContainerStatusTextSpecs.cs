using Berth.Shell.Formatting;

namespace Berth.Shell.Tests.Formatting;

public sealed class ContainerStatusTextSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 16, 0, 0, TimeSpan.Zero);

    private static string Describe(bool running = false, bool paused = false, bool restarting = false, bool dead = false, bool removing = false,
        int exit = 0, double? startedAgo = null, double? finishedAgo = null, string? health = null) =>
        ContainerStatusText.Describe(new ContainerStatusFacts(running, paused, restarting, dead, removing, exit,
            startedAgo == null ? null : Now.AddSeconds(-startedAgo.Value), finishedAgo == null ? null : Now.AddSeconds(-finishedAgo.Value), health), Now);

    [Fact] public void A_fresh_container_is_created() => Assert.Equal("Created", Describe());
    [Fact] public void A_just_started_container_is_up_less_than_a_second() => Assert.Equal("Up Less than a second", Describe(running: true, startedAgo: 0.2));
    [Fact] public void A_running_container_shows_its_uptime() => Assert.Equal("Up 3 seconds", Describe(running: true, startedAgo: 3));
    [Fact] public void About_a_minute_is_spelled_out() => Assert.Equal("Up About a minute", Describe(running: true, startedAgo: 100));
    [Fact] public void Paused_is_appended() => Assert.Equal("Up 2 hours (Paused)", Describe(running: true, paused: true, startedAgo: 7200));
    [Fact] public void Health_is_appended() => Assert.Equal("Up 5 minutes (healthy)", Describe(running: true, startedAgo: 300, health: "healthy"));
    [Fact] public void Starting_health_reads_health_starting() => Assert.Equal("Up 5 seconds (health: starting)", Describe(running: true, startedAgo: 5, health: "starting"));
    [Fact] public void Restarting_shows_the_last_exit_code() => Assert.Equal("Restarting (1) 5 seconds ago", Describe(running: true, restarting: true, exit: 1, startedAgo: 60, finishedAgo: 5));
    [Fact] public void An_exited_container_shows_code_and_age() => Assert.Equal("Exited (0) 5 minutes ago", Describe(exit: 0, startedAgo: 900, finishedAgo: 300));
    [Fact] public void Exit_137_after_an_hour() => Assert.Equal("Exited (137) About an hour ago", Describe(exit: 137, startedAgo: 9000, finishedAgo: 3700));
    [Fact] public void Dead_wins_over_exited() => Assert.Equal("Dead", Describe(dead: true, startedAgo: 10, finishedAgo: 5));
    [Fact] public void Removal_in_progress_wins_over_dead() => Assert.Equal("Removal In Progress", Describe(dead: true, removing: true));

    [Theory]
    [InlineData(null, false, "table {{.ID}}")]
    [InlineData("table", false, "table {{.ID}}")]
    [InlineData("table", true, "{{.ID}}")]
    [InlineData("{{.Names}}", true, "{{.ID}}")]
    [InlineData("{{.Names}}", false, "{{.Names}}")]
    [InlineData("raw", false, "id: {{.ID}}")]
    public void Listing_formats_follow_dockers_choice(string? format, bool quiet, string expected) =>
        Assert.Equal(expected, OutputFormat.ForListing(format, "table {{.ID}}", quiet, raw: "id: {{.ID}}"));
}
