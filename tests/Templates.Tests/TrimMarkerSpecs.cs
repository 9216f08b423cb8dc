namespace Berth.Templates.Tests;

/// <summary>"{{- " and " -}}" trim all white space (spaces, tabs, newlines) before and after an action.</summary>
public sealed class TrimMarkerSpecs
{
    [Theory]
    [InlineData("a  {{- .Name -}}  b", "a/webb")]
    [InlineData("a  {{- \" b \" -}}  c", "a b c")]
    [InlineData("a\n\n{{- .Name}}\n", "a/web\n")]
    [InlineData("{{.Name -}}\n\n x", "/webx")]
    [InlineData("x {{- 1}}", "x1")]
    [InlineData("{{.Name}}\n  {{- \"\" }}", "/web")]
    [InlineData("{{range .Config.Env -}}\n  {{.}}\n{{- end}}", "A=1B=2")]
    public void Trim_markers_remove_white_space_beside_the_action(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{-3}}", "-3")]
    [InlineData("{{ -3 }}", "-3")]
    [InlineData("{{- -3 -}}", "-3")]
    public void A_minus_without_a_space_is_a_negative_number(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));
}
