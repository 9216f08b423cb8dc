namespace Berth.Templates.Tests;

/// <summary>Text, fields, constants and comments: what an action prints, as Go's %v prints it.</summary>
public sealed class ActionSpecs
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("{{.Name}}", "/web")]
    [InlineData("{{.State.Status}} {{.State.Pid}} {{.State.Running}}", "running 42 true")]
    [InlineData("{{.NetworkSettings.Networks.bridge.IPAddress}}", "172.17.0.2")]
    [InlineData("{{.Ratio}} {{.Count}} {{.Empty}}|", "0.5 3 |")]
    [InlineData("{{.Name}}}}", "/web}}")]
    public void Fields_print_their_values(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{.Missing}}", "<no value>")]
    [InlineData("{{.Missing.Deeper}}", "<no value>")]
    [InlineData("{{index .Config.Labels \"none\"}}", "<no value>")]
    public void A_missing_key_prints_no_value(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{.Config.Env}} {{.Nums}} {{.List}}", "[A=1 B=2] [3 1 2] []")]
    [InlineData("{{.Config.Labels}} {{.Map}}", "map[a:first z:last] map[]")]
    [InlineData("{{.State}}", "map[ExitCode:0 Pid:42 Running:true Status:running]")]
    [InlineData("{{.NetworkSettings}}", "map[Networks:map[backend:map[IPAddress:10.0.0.5] bridge:map[IPAddress:172.17.0.2]]]")]
    public void Lists_and_maps_print_like_go_with_map_keys_sorted(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{true}} {{false}}", "true false")]
    [InlineData("{{\"s\"}} {{`raw\\n`}} {{\"\\t|\\x41|\\u00e9\"}}", "s raw\\n \t|A|é")]
    [InlineData("{{'a'}} {{'\\n'}}", "97 10")]
    [InlineData("{{0x1F}} {{-3}} {{+4}} {{1_000}}", "31 -3 4 1000")]
    [InlineData("{{1.5}} {{1e6}} {{1e-5}} {{0.000123}} {{100000.0}} {{123456789.0}}", "1.5 1e+06 1e-05 0.000123 100000 1.23456789e+08")]
    public void Constants_print_as_go_prints_them(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{/* a comment */}}x", "x")]
    [InlineData("a {{- /* trimmed */ -}} b", "ab")]
    public void Comments_print_nothing(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Fact]
    public void Dollar_is_the_data_the_template_was_given() =>
        Assert.Equal("/web running", Sample.Render("{{with .State}}{{$.Name}} {{.Status}}{{end}}"));
}
