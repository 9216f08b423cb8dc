namespace Berth.Templates.Tests;

/// <summary>Go's predefined functions: comparisons, and/or/not, index, len, slice, print, println, urlquery.</summary>
public sealed class BuiltinFunctionSpecs
{
    [Theory]
    [InlineData("{{eq 1 1}} {{eq 1 2}} {{eq \"a\" \"a\"}} {{eq true true}} {{ne 1 2}} {{ne \"a\" \"a\"}}", "true false true true true false")]
    [InlineData("{{eq .State.Status \"paused\" \"running\"}} {{eq .State.Status \"paused\" \"exited\"}}", "true false")]
    [InlineData("{{lt 1 2}} {{le 2 2}} {{gt 2 3}} {{ge 3 3}}", "true true false true")]
    [InlineData("{{gt \"b\" \"a\"}} {{lt \"B\" \"a\"}}", "true true")]
    [InlineData("{{ge 1.5 2.5}} {{lt 1.5 2.0}}", "false true")]
    [InlineData("{{eq .Config.Cmd nil}} {{eq .Missing 1}} {{eq .Missing .Missing}}", "true false true")]
    [InlineData("{{if and .State.Running (eq .State.ExitCode 0)}}ok{{end}}", "ok")]
    public void Comparisons_follow_go(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{and 1 0 2}} {{and 1 2}}", "0 2")]
    [InlineData("{{or 0 \"\" \"x\"}} {{or 0 \"\"}}|", "x |")]
    [InlineData("{{not 0}} {{not .Name}} {{not .Config.Tty}}", "true false true")]
    public void And_and_or_return_the_deciding_argument(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{or true (index .List 5)}} {{and false (index .List 5)}}", "true false")]
    [InlineData("{{or 0 (index .Nums 0)}} {{and 1 (len .Name)}}", "3 4")]
    [InlineData("{{.Count | and 0}} {{.Count | or 0}}", "0 3")]
    [InlineData("{{printf \"%v\" nil}}", "<nil>")]
    public void And_and_or_stop_evaluating_once_the_result_is_known(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{index .Config.Labels \"a\"}} {{index .Config.Env 1}}", "first B=2")]
    [InlineData("{{index . \"State\" \"Pid\"}}", "42")]
    [InlineData("{{index .Name 1}}", "119")]
    public void Index_looks_up_keys_elements_and_bytes(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{len .Name}} {{len .Uni}}", "4 5")]
    [InlineData("{{len .Config.Env}} {{len .Config.Labels}} {{len .List}}", "2 2 0")]
    public void Len_counts_bytes_elements_and_keys(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{slice .Name 1 3}} {{slice .Name 2}} {{slice .Name}}", "we eb /web")]
    [InlineData("{{slice .Config.Env 1}} {{slice .Nums 0 2}}", "[B=2] [3 1]")]
    public void Slice_cuts_strings_and_lists(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{print \"a\" 1 2 \"b\"}} {{print 1.5 true}}", "a1 2b 1.5 true")]
    [InlineData("{{println \"a\" 1}}", "a 1\n")]
    [InlineData("{{println}}", "\n")]
    [InlineData("{{urlquery \"a b&c/é\"}}", "a+b%26c%2F%C3%A9")]
    public void Print_println_and_urlquery_format_like_fmt_and_net_url(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));
}
