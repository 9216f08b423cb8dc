using System.Text.Json;
using Berth.Shell.Formatting;

namespace Berth.Shell.Tests.Formatting;

/// <summary>docker events' default line: nanosecond RFC3339 time, type, action, actor id, attributes sorted by key.</summary>
public sealed class EventLineSpecs
{
    private static JsonElement Event(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void A_container_event_prints_like_dockers_line()
    {
        var e = Event("""{"status":"start","id":"abc","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"web","image":"busybox"}},"scope":"local","time":1795722000,"timeNano":1795722000000000042}""");
        Assert.Equal("2026-11-26T19:40:00.000000042Z container start abc (image=busybox, name=web)", EventLine.Default(e, TimeZoneInfo.Utc));
    }

    [Fact]
    public void An_event_without_attributes_has_no_parentheses()
    {
        var e = Event("""{"Type":"network","Action":"prune","Actor":{"ID":"","Attributes":{}},"time":1795722000}""");
        Assert.Equal("2026-11-26T19:40:00.000000000Z network prune ", EventLine.Default(e, TimeZoneInfo.Utc));
    }

    [Fact]
    public void A_format_template_sees_gos_field_names()
    {
        var e = Event("""{"status":"die","id":"abc","Type":"container","Action":"die","Actor":{"ID":"abc","Attributes":{"exitCode":"3"}},"scope":"local","time":5,"timeNano":5000000000}""");
        var output = OutputFormat.Parse("{{.Status}} {{.Actor.ID}} {{.Actor.Attributes.exitCode}} {{.Time}}").Render([EventLine.TemplateData(e)]);
        Assert.Equal("die abc 3 5", output.TrimEnd('\n'));
    }
}
