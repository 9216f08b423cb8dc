namespace Berth.Templates.Tests;

/// <summary>if, with and range: Go's truth (empty values are false), dot rebinding, iteration order, break and continue.</summary>
public sealed class ControlStructureSpecs
{
    [Theory]
    [InlineData("{{if .State.Running}}up{{end}}{{if not .Config.Tty}} no-tty{{end}}", "up no-tty")]
    [InlineData("{{if .Empty}}a{{else if .Count}}b{{else}}c{{end}}", "b")]
    [InlineData("{{if eq .State.Status \"exited\"}}e{{else if eq .State.Status \"running\"}}r{{else}}o{{end}}", "r")]
    [InlineData("{{if .List}}1{{end}}{{if .Map}}2{{end}}{{if .Config.Cmd}}3{{end}}{{if 0}}4{{end}}{{if 0.0}}5{{end}}{{if .Missing}}6{{end}}{{if .Empty}}7{{end}}{{if false}}8{{end}}", "")]
    [InlineData("{{if .Nums}}1{{end}}{{if .State}}2{{end}}{{if .Name}}3{{end}}{{if .Count}}4{{end}}{{if .Ratio}}5{{end}}{{if true}}6{{end}}", "123456")]
    public void If_takes_empty_values_as_false(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    // ("else with" chains since Go 1.23.)
    [Theory]
    [InlineData("{{with .State}}{{.Status}}{{end}}", "running")]
    [InlineData("{{with .State.Pid}}{{.}}{{end}}", "42")]
    [InlineData("{{with .Empty}}x{{else}}none{{end}}", "none")]
    [InlineData("{{with .Missing}}x{{else}}none{{end}}", "none")]
    [InlineData("{{with .Missing}}a{{else with .State}}{{.Pid}}{{else}}c{{end}}", "42")]
    public void With_runs_its_body_over_a_non_empty_value(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{range .Config.Env}}[{{.}}]{{end}}", "[A=1][B=2]")]
    [InlineData("{{range $e := .Config.Env}}{{$e}}{{end}}", "A=1B=2")]
    [InlineData("{{range $i, $e := .Config.Env}}{{if $i}},{{end}}{{$i}}:{{$e}}{{end}}", "0:A=1,1:B=2")]
    [InlineData("{{range $i, $_ := .Nums}}{{$i}}{{end}}", "012")]
    [InlineData("{{range .Nums}}{{$.Name}}{{.}} {{end}}", "/web3 /web1 /web2 ")]
    public void Range_over_a_list_visits_the_elements_in_order(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{range .Config.Labels}}{{.}};{{end}}", "first;last;")]
    [InlineData("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", "a=first;z=last;")]
    [InlineData("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", "10.0.0.5 172.17.0.2 ")]
    public void Range_over_a_map_visits_the_keys_in_sorted_order(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{range .List}}x{{else}}empty{{end}}", "empty")]
    [InlineData("{{range .Config.Cmd}}x{{else}}nil{{end}}", "nil")]
    [InlineData("{{range .Map}}x{{else}}no map{{end}}", "no map")]
    public void Range_over_nothing_runs_the_else_branch(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{range .Nums}}{{if eq . 1}}{{continue}}{{end}}{{.}}{{end}}", "32")]
    [InlineData("{{range .Nums}}{{if eq . 1}}{{break}}{{end}}{{.}}{{end}}", "3")]
    [InlineData("{{range .Nums}}{{with .}}{{break}}{{end}}{{end}}x", "x")]
    public void Break_and_continue_leave_or_skip_an_iteration(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Fact]
    public void Range_over_an_integer_counts_from_zero_as_go_1_22_does() =>
        Assert.Equal("012", Sample.Render("{{range .Count}}{{.}}{{end}}"));
}
