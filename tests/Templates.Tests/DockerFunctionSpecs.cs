namespace Berth.Templates.Tests;

/// <summary>The functions docker adds to every template (cli/templates): json, split, join, title, lower, upper, pad, truncate.</summary>
public sealed class DockerFunctionSpecs
{
    [Theory]
    [InlineData("{{json .State}}", """{"ExitCode":0,"Pid":42,"Running":true,"Status":"running"}""")]
    [InlineData("{{json .Html}}", "\"<a&b>\"")]
    [InlineData("{{json .Config.Env}} {{json .Config.Labels}}", """["A=1","B=2"] {"a":"first","z":"last"}""")]
    [InlineData("{{json .Config.Cmd}} {{json .Missing}} {{json .Ratio}} {{json .Count}}", "null null 0.5 3")]
    public void Json_encodes_without_escaping_html_and_without_a_newline(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    // A JSON list of strings is a Go []string here, as the same field is in docker's typed structs.
    [Theory]
    [InlineData("{{split \"a:b:c\" \":\"}} {{split \"abc\" \"\"}}", "[a b c] [a b c]")]
    [InlineData("{{join .Config.Env \",\"}} {{join (split \"a:b\" \":\") \"-\"}}", "A=1,B=2 a-b")]
    public void Split_and_join_work_on_string_lists(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{title \"hello wide-world foo_bar x.y\"}}", "Hello Wide-World Foo_bar X.Y")]
    [InlineData("{{upper \"aé\"}} {{lower \"AÉ\"}}", "AÉ aé")]
    public void Case_functions_follow_go_strings(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("[{{pad \"x\" 2 1}}] [{{pad \"\" 2 1}}]", "[  x ] []")]
    [InlineData("{{truncate \"abcdef\" 3}} {{truncate \"ab\" 3}} {{truncate \"abc\" 3}}", "abc ab abc")]
    [InlineData("{{truncate .Uni 2}}", "ü")]
    public void Pad_surrounds_non_empty_text_and_truncate_cuts_bytes(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Fact]
    public void A_header_row_shows_column_titles_through_the_text_functions()
    {
        // docker's HeaderFunctions: a table header runs the row template over field -> title, and the functions
        // that would reshape a value pass the title through; pad still pads, to keep the columns aligned.
        var template = GoTemplate.Parse("{{.ID}}|{{json .Names}}|{{upper .Status}}|{{split .Image \":\"}}|{{truncate .Command 3}}|{{pad .Size 1 1}}");
        var titles = new Dictionary<string, string>
        {
            ["ID"] = "CONTAINER ID", ["Names"] = "NAMES", ["Status"] = "Status", ["Image"] = "IMAGE", ["Command"] = "COMMAND", ["Size"] = "SIZE",
        };
        Assert.Equal("CONTAINER ID|NAMES|Status|IMAGE|COMMAND| SIZE ", template.ExecuteHeader(titles));
    }
}
