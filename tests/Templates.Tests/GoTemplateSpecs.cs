using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Templates;

namespace Berth.Templates.Tests;

public sealed class GoTemplateSpecs
{
    private static readonly JsonElement Inspect = JsonDocument.Parse("""
        {"Id":"abc","Name":"/web","State":{"Status":"running","Running":true,"ExitCode":0,"Pid":42},
         "Config":{"Env":["A=1","B=2"],"Labels":{"z":"last","a":"first"},"Cmd":null,"Tty":false},
         "NetworkSettings":{"Networks":{"bridge":{"IPAddress":"172.17.0.2"},"backend":{"IPAddress":"10.0.0.5"}}},
         "Created":1795708943,"Ratio":0.5,"Html":"<a&b>"}
        """).RootElement.Clone();

    private static string Run(string template, object? data) => GoTemplate.Parse(template).Execute(data);

    [Theory]
    [InlineData("{{.Name}}", "/web")]
    [InlineData("{{.State.Status}} {{.State.Pid}}", "running 42")]
    [InlineData("{{.Config.Env}}", "[A=1 B=2]")]
    [InlineData("{{.Config.Labels}}", "map[a:first z:last]")]
    [InlineData("{{.Missing}}", "<no value>")]
    [InlineData("{{.Config.Cmd}}", "<nil>")]
    [InlineData("{{.Created}} {{.Ratio}}", "1795708943 0.5")]
    [InlineData("{{json .State}}", """{"Status":"running","Running":true,"ExitCode":0,"Pid":42}""")]
    [InlineData("{{json .Html}}", "\"<a&b>\"")]
    [InlineData("{{json .Config.Env}}", """["A=1","B=2"]""")]
    [InlineData("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", "10.0.0.5 172.17.0.2 ")]
    [InlineData("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", "a=first;z=last;")]
    [InlineData("{{range $i, $e := .Config.Env}}{{if $i}},{{end}}{{$e}}{{end}}", "A=1,B=2")]
    [InlineData("{{range .Config.Cmd}}x{{else}}none{{end}}", "none")]
    [InlineData("{{(index .NetworkSettings.Networks \"bridge\").IPAddress}}", "172.17.0.2")]
    [InlineData("{{index .Config.Env 1}}", "B=2")]
    [InlineData("{{if .State.Running}}up{{end}}{{if not .Config.Tty}} no-tty{{end}}", "up no-tty")]
    [InlineData("{{if and .State.Running (eq .State.ExitCode 0)}}ok{{end}}", "ok")]
    [InlineData("{{with .State}}{{.Status}}{{end}}", "running")]
    [InlineData("{{$n := .Name}}{{$n}}", "/web")]
    [InlineData("{{.Name | printf \"%q\"}}", "\"/web\"")]
    [InlineData("{{printf \"%5s|%-5s|%05d|%v\" \"ab\" \"cd\" 42 .State.Running}}", "   ab|cd   |00042|true")]
    [InlineData("{{printf \"%d\" .Name}}", "%!d(string=/web)")]
    [InlineData("{{len .Config.Env}} {{len .Name}}", "2 4")]
    [InlineData("{{println \"a\" 1}}", "a 1\n")]
    [InlineData("{{print \"a\" 1 2 \"b\"}}", "a1 2b")]
    [InlineData("{{title \"hello wide-world\"}} {{upper \"x\"}} {{lower \"Y\"}}", "Hello Wide-World X y")]
    [InlineData("{{join (split \"a:b:c\" \":\") \"-\"}}", "a-b-c")]
    [InlineData("{{truncate \"abcdef\" 3}} {{pad \"x\" 2 1}}| {{pad \"\" 2 1}}|", "abc   x | |")]
    [InlineData("a  {{- \" b \" -}}  c", "a b c")]
    [InlineData("{{/* a comment */}}x{{- /* trimmed */ -}} y", "xy")]
    [InlineData("{{range .Config.Env}}{{if eq . \"B=2\"}}{{break}}{{end}}{{.}}{{end}}", "A=1")]
    [InlineData("{{if eq .State.Status \"exited\"}}e{{else if eq .State.Status \"running\"}}r{{else}}o{{end}}", "r")]
    [InlineData("{{eq .State.Status \"paused\" \"running\"}}", "true")]
    [InlineData("{{lt 1 2}} {{ge 1.5 2}} {{ne \"a\" \"b\"}}", "true false true")]
    [InlineData("{{slice .Name 1 3}}", "we")]
    [InlineData("{{.}}", "map[Config:map[Cmd:<nil> Env:[A=1 B=2] Labels:map[a:first z:last] Tty:false] Created:1795708943 Html:<a&b> Id:abc Name:/web NetworkSettings:map[Networks:map[backend:map[IPAddress:10.0.0.5] bridge:map[IPAddress:172.17.0.2]]] Ratio:0.5 State:map[ExitCode:0 Pid:42 Running:true Status:running]]")]
    public void Templates_over_json_behave_like_go(string template, string expected) =>
        Assert.Equal(expected, Run(template, Inspect));

    [Fact]
    public void Json_nodes_dictionaries_and_objects_are_all_valid_data()
    {
        var node = JsonNode.Parse("""{"A":{"B":[1,2]}}""");
        Assert.Equal("[1 2]", Run("{{.A.B}}", node));

        var dict = new Dictionary<string, object?> { ["b"] = 2, ["a"] = "x", ["n"] = null };
        Assert.Equal("x 2 <nil> <no value>", Run("{{.a}} {{.b}} {{.n}} {{.zz}}", dict));
        Assert.Equal("""{"a":"x","b":2,"n":null}""", Run("{{json .}}", dict));

        var row = new Row("web", 3, ["x", "y"]);
        Assert.Equal("web 3 [x y] web!", Run("{{.Name}} {{.Count}} {{.Tags}} {{.Shout \"!\"}}", row));
        Assert.Equal("""{"Name":"web","Count":3,"Tags":["x","y"]}""", Run("{{json .}}", row));
        Assert.Equal("{web 3 [x y]}", Run("{{.}}", row));
    }

    private sealed record Row(string Name, int Count, string[] Tags)
    {
        public string Shout(string suffix) => Name + suffix;
    }

    [Theory]
    [InlineData("{{.Name", "template: :1: unclosed action")]
    [InlineData("{{if .A}}x", "template: :1: unexpected EOF")]
    [InlineData("x{{end}}", "template: :1: unexpected {{end}}")]
    [InlineData("{{nosuch .A}}", "template: :1: function \"nosuch\" not defined")]
    [InlineData("a\n{{ }}", "template: :2: missing value for command")]
    public void Syntax_errors_read_like_go(string template, string message)
    {
        var e = Assert.Throws<TemplateException>(() => GoTemplate.Parse(template));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Execution_errors_name_the_position_and_the_node()
    {
        var e = Assert.Throws<TemplateException>(() => Run("{{.Nope}}", new Row("a", 1, [])));
        Assert.Equal("template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type Row", e.Message);
        var j = Assert.Throws<TemplateException>(() => Run("x {{join .Name \",\"}}", Inspect));
        Assert.StartsWith("template: :1:4: executing \"\" at <join .Name \",\">: error calling join: wrong type for value", j.Message);
        var n = Assert.Throws<TemplateException>(() => Run("{{.Config.Cmd.X}}", Inspect));
        Assert.Contains("nil pointer evaluating interface {}.X", n.Message);
    }
}
