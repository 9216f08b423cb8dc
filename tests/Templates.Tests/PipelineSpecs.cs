namespace Berth.Templates.Tests;

/// <summary>Pipelines pass each command's result as the last argument of the next; variables hold results.</summary>
public sealed class PipelineSpecs
{
    [Theory]
    [InlineData("{{.Name | printf \"%s!\"}}", "/web!")]
    [InlineData("{{\"a\" | printf \"%s-%s\" \"b\"}}", "b-a")]
    [InlineData("{{.Name | len | printf \"%d\"}}", "4")]
    [InlineData("{{ .Name | printf \"%s\" | len }}", "4")]
    [InlineData("{{.Name | printf \"%q\"}}", "\"/web\"")]
    public void A_pipe_appends_the_previous_result_to_the_next_command(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{(len .Config.Env)}}", "2")]
    [InlineData("{{(.State).Status}}", "running")]
    [InlineData("{{(index .NetworkSettings.Networks \"bridge\").IPAddress}}", "172.17.0.2")]
    [InlineData("{{(index .Config.Labels \"a\") | upper}}", "FIRST")]
    public void Parentheses_group_a_pipeline_whose_result_can_be_chained(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{$x := .Name}}{{$x}}", "/web")]
    [InlineData("{{$x := .State}}{{$x.Pid}}", "42")]
    [InlineData("{{$x := 1}}{{$x = 2}}{{$x}}", "2")]
    [InlineData("{{with $x := .State}}{{$x.Status}}{{end}}", "running")]
    [InlineData("{{if $x := .Count}}{{$x}}{{end}}", "3")]
    public void A_declaration_prints_nothing_and_names_the_result(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2")]
    [InlineData("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "21")]
    public void A_variable_lives_until_the_end_of_its_control_structure(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));
}
