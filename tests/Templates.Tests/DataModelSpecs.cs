using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Templates.Tests;

/// <summary>
/// What a template can run over: JSON elements and nodes, dictionaries (Go maps) and C# objects (Go structs:
/// properties, and methods that take arguments). JSON integers are Go ints, other numbers float64.
/// </summary>
public sealed class DataModelSpecs
{
    private static string Run(string template, object? data) => GoTemplate.Parse(template).Execute(data);

    private sealed record Row(string Name, int Count, string[] Tags)
    {
        public string Shout(string suffix) => Name + suffix;
    }

    private sealed record EscapedRow(string Name) : IHtmlEscapedJson;

    [Fact]
    public void Json_nodes_are_data_like_json_elements()
    {
        var node = JsonNode.Parse("""{"A":{"B":[1,2]}}""");
        Assert.Equal("[1 2] 2", Run("{{.A.B}} {{index .A.B 1}}", node));
    }

    [Fact]
    public void Dictionaries_are_go_maps_with_sorted_keys()
    {
        var dict = new Dictionary<string, object?> { ["b"] = 2, ["a"] = "x", ["n"] = null };
        Assert.Equal("x 2 <nil> <no value>", Run("{{.a}} {{.b}} {{.n}} {{.zz}}", dict));
        Assert.Equal("""{"a":"x","b":2,"n":null}""", Run("{{json .}}", dict));
        Assert.Equal("map[a:x b:2 n:<nil>] a,b,n,", Run("{{.}} {{range $k, $v := .}}{{$k}},{{end}}", dict));
    }

    [Fact]
    public void Objects_are_go_structs_whose_methods_take_arguments()
    {
        var row = new Row("web", 3, ["x", "y"]);
        Assert.Equal("web 3 [x y] web!", Run("{{.Name}} {{.Count}} {{.Tags}} {{.Shout \"!\"}}", row));
        Assert.Equal("""{"Name":"web","Count":3,"Tags":["x","y"]}""", Run("{{json .}}", row));
        Assert.Equal("{web 3 [x y]}", Run("{{.}}", row));
    }

    [Fact]
    public void A_json_object_encodes_in_document_order_like_a_go_struct_but_prints_as_a_map()
    {
        var state = JsonDocument.Parse("""{"Status":"running","Running":true,"Pid":42}""").RootElement;
        Assert.Equal("""{"Status":"running","Running":true,"Pid":42}""", Run("{{json .}}", state));
        Assert.Equal("map[Pid:42 Running:true Status:running]", Run("{{.}}", state));
    }

    [Fact]
    public void Json_null_is_a_nil_value()
    {
        var config = JsonDocument.Parse("""{"Cmd":null}""").RootElement;
        Assert.Equal("<nil> true null", Run("{{.Cmd}} {{eq .Cmd nil}} {{json .Cmd}}", config));
        Assert.Equal("template: :1:2: executing \"\" at <.Cmd.X>: nil pointer evaluating interface {}.X",
            Assert.Throws<TemplateException>(() => Run("{{.Cmd.X}}", config)).Message);
    }

    [Fact]
    public void Json_of_a_value_marked_as_html_escaped_escapes_like_json_Marshal()
    {
        // docker's formatter contexts marshal themselves with json.Marshal, which escapes <, > and &; the json
        // function alone (an encoder with SetEscapeHTML(false)) does not.
        Assert.Equal("""{"Name":"\u003ca\u0026b\u003e"}""", Run("{{json .}}", new EscapedRow("<a&b>")));
        Assert.Equal("\"<a&b>\"", Run("{{json .Name}}", new EscapedRow("<a&b>")));
    }

    [Fact]
    public void Errors_over_objects_name_the_object_type()
    {
        Assert.Equal("template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type Row",
            Assert.Throws<TemplateException>(() => Run("{{.Nope}}", new Row("a", 1, []))).Message);
        Assert.StartsWith("template: :1:4: executing \"\" at <join .Name \",\">: error calling join: wrong type for value",
            Assert.Throws<TemplateException>(() => Run("x {{join .Name \",\"}}", new Row("a", 1, []))).Message);
    }
}
