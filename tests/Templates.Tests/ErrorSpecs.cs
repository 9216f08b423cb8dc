namespace Berth.Templates.Tests;

/// <summary>
/// Failures throw TemplateException with Go's text: parse errors name the line ("template: :2: …"), execution
/// errors the line, the column and the node that failed ("template: :1:2: executing \"\" at &lt;len 3&gt;: …").
/// </summary>
public sealed class ErrorSpecs
{
    [Theory]
    [InlineData("{{.Name", "template: :1: unclosed action")]
    [InlineData("{{if .A}}x", "template: :1: unexpected EOF")]
    [InlineData("x{{end}}", "template: :1: unexpected {{end}}")]
    [InlineData("{{else}}", "template: :1: unexpected {{else}}")]
    [InlineData("{{with .A}}{{end}}{{end}}", "template: :1: unexpected {{end}}")]
    [InlineData("{{if .A}}{{else}}{{else}}{{end}}", "template: :1: expected end; found {{else}}")]
    [InlineData("{{nosuch .A}}", "template: :1: function \"nosuch\" not defined")]
    [InlineData("a\n{{ }}", "template: :2: missing value for command")]
    [InlineData("{{\"unterminated}}", "template: :1: unterminated quoted string")]
    [InlineData("{{/* x }}", "template: :1: unclosed comment")]
    [InlineData("{{true.X}}", "template: :1: unexpected . after term \"true\"")]
    [InlineData("{{len .Name).X}}", "template: :1: unexpected \")\" in command")]
    [InlineData("{{.Name.}}", "template: :1: unexpected <.> in operand")]
    [InlineData("{{\"a\".X}}", "template: :1: unexpected . after term \"\\\"a\\\"\"")]
    [InlineData("{{.A :=}}", "template: :1: unexpected \":=\" in operand")]
    [InlineData("{{\"a\"\"b\"}}", "template: :1: unexpected \"\\\"b\\\"\" in operand")]
    [InlineData("{{len \"x\"\"abcdefghijklmnop\"}}", "template: :1: unexpected \"\\\"abcdefghi\"... in operand")]
    [InlineData("{{.A(.B)}}", "template: :1: unexpected \"(\" in operand")]
    [InlineData("{{(1}}", "template: :1: unclosed left paren")]
    [InlineData("{{range}}{{end}}", "template: :1: missing value for range")]
    [InlineData("{{with}}{{end}}", "template: :1: missing value for with")]
    [InlineData("{{if .A}}{{else if}}{{end}}", "template: :1: missing value for if")]
    [InlineData("{{range $a, $b, $c := .Nums}}{{end}}", "template: :1: too many declarations in range")]
    [InlineData("{{range $a, 1 := .Nums}}{{end}}", "template: :1: range can only initialize variables")]
    [InlineData("{{range .Nums}}{{end}}{{break}}", "template: :1: {{break}} outside {{range}}")]
    [InlineData("{{if true}}{{continue}}{{end}}", "template: :1: {{continue}} outside {{range}}")]
    [InlineData("{{range .Nums}}{{else}}{{break}}{{end}}", "template: :1: {{break}} outside {{range}}")]
    public void Syntax_errors_read_like_go(string template, string message)
    {
        var e = Assert.Throws<TemplateException>(() => GoTemplate.Parse(template));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("{{index .Config.Env 5}}", "template: :1:2: executing \"\" at <index .Config.Env 5>: error calling index: index out of range: 5")]
    [InlineData("{{index .Config.Env \"a\"}}", "template: :1:2: executing \"\" at <index .Config.Env \"a\">: error calling index: cannot index slice/array with type string")]
    [InlineData("{{index .Config.Labels 1}}", "template: :1:2: executing \"\" at <index .Config.Labels 1>: error calling index: value has type int; should be string")]
    [InlineData("{{index .Config.Cmd 0}}", "template: :1:2: executing \"\" at <index .Config.Cmd 0>: error calling index: index of untyped nil")]
    [InlineData("{{index .Count 1}}", "template: :1:2: executing \"\" at <index .Count 1>: error calling index: can't index item of type int")]
    [InlineData("{{len 3}}", "template: :1:2: executing \"\" at <len 3>: error calling len: len of type int")]
    [InlineData("{{slice .Name 3 9}}", "template: :1:2: executing \"\" at <slice .Name 3 9>: error calling slice: index out of range: 9")]
    [InlineData("{{slice .Count 1}}", "template: :1:2: executing \"\" at <slice .Count 1>: error calling slice: can't slice item of type int")]
    [InlineData("{{eq 1 \"a\"}}", "template: :1:2: executing \"\" at <eq 1 \"a\">: error calling eq: incompatible types for comparison")]
    [InlineData("{{ge \"a\" 1}}", "template: :1:2: executing \"\" at <ge \"a\" 1>: error calling ge: incompatible types for comparison")]
    [InlineData("{{eq 1}}", "template: :1:2: executing \"\" at <eq 1>: error calling eq: missing argument for comparison")]
    [InlineData("{{lt true false}}", "template: :1:2: executing \"\" at <lt true false>: error calling lt: invalid type for comparison")]
    [InlineData("{{lt nil 1}}", "template: :1:2: executing \"\" at <lt nil 1>: error calling lt: invalid type for comparison")]
    [InlineData("{{len .Config.Cmd}}", "template: :1:2: executing \"\" at <len .Config.Cmd>: error calling len: len of nil pointer")]
    public void A_function_that_fails_names_the_call(string template, string message) =>
        Assert.Equal(message, Sample.Failure(template));

    [Theory]
    [InlineData("{{printf}}", "template: :1:2: executing \"\" at <printf>: wrong number of args for printf: want at least 1 got 0")]
    [InlineData("{{len}}", "template: :1:2: executing \"\" at <len>: wrong number of args for len: want 1 got 0")]
    [InlineData("{{len 1 2}}", "template: :1:2: executing \"\" at <len>: wrong number of args for len: want 1 got 2")]
    [InlineData("{{ne 1}}", "template: :1:2: executing \"\" at <ne>: wrong number of args for ne: want 2 got 1")]
    [InlineData("{{.Name | not 1}}", "template: :1:10: executing \"\" at <not>: wrong number of args for not: want 1 got 2")]
    [InlineData("{{nil}}", "template: :1:2: executing \"\" at <nil>: nil is not a command")]
    [InlineData("{{nil | printf \"%v\"}}", "template: :1:2: executing \"\" at <nil>: nil is not a command")]
    [InlineData("{{and}}", "template: :1:2: executing \"\" at <and>: wrong number of args for and: want at least 1 got 0")]
    [InlineData("{{1 2}}", "template: :1:2: executing \"\" at <1>: can't give argument to non-function 1")]
    [InlineData("{{.Name 1}}", "template: :1:2: executing \"\" at <.Name>: Name is not a method but has arguments")]
    [InlineData("{{.Name | .State}}", "template: :1:10: executing \"\" at <.State>: State is not a method but has arguments")]
    public void A_call_with_the_wrong_arguments_fails_when_it_runs(string template, string message) =>
        Assert.Equal(message, Sample.Failure(template));

    [Fact]
    public void An_execution_error_counts_lines_and_columns_from_the_start_of_the_source()
    {
        Assert.Equal("template: :2:4: executing \"\" at <len 3>: error calling len: len of type int", Sample.Failure("a\nb {{len 3}}"));
        Assert.Equal("template: :1:4: executing \"\" at <index .List 5>: error calling index: index out of range: 5", Sample.Failure("x {{index .List 5}}"));
    }

    [Fact]
    public void Range_refuses_a_value_it_cannot_iterate() =>
        Assert.Equal("template: :1:8: executing \"\" at <.Name>: range can't iterate over /web", Sample.Failure("{{range .Name}}{{.}}{{end}}"));
}
