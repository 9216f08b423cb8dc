namespace Berth.Templates.Tests;

/// <summary>printf: Go's fmt verbs, flags, widths and precisions, and fmt's marks for wrong or missing operands.</summary>
public sealed class PrintfSpecs
{
    [Theory]
    [InlineData("{{printf \"%s|%q|%v|%#v\" \"s\" \"q\" \"v\" \"x\"}}", "s|\"q\"|v|\"x\"")]
    [InlineData("{{printf \"%.3s|%-8s|%8s|\" \"abcdef\" \"ab\" \"cd\"}}", "abc|ab      |      cd|")]
    [InlineData("{{printf \"%v %v %s\" .Config.Env .Config.Labels .Config.Env}}", "[A=1 B=2] map[a:first z:last] [A=1 B=2]")]
    [InlineData("{{printf \"%v\" .Config.Cmd}}", "<nil>")]
    public void String_verbs(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{printf \"%d|%5d|%-5d|%05d|%+d\" 7 7 7 7 7}}", "7|    7|7    |00007|+7")]
    [InlineData("{{printf \"%x|%X|%#x|%o|%b\" 255 255 255 8 5}}", "ff|FF|0xff|10|101")]
    [InlineData("{{printf \"%c|%q\" 65 97}}", "A|'a'")]
    [InlineData("{{printf \"%x\" \"hi\"}}", "6869")]
    [InlineData("{{printf \"%*d|\" 5 42}}", "   42|")]
    [InlineData("{{printf \"%t|%5t|\" true true}}", "true| true|")]
    public void Integer_and_boolean_verbs(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{printf \"%f|%.2f|%8.3f|%-8.1f|%6.2f\" 3.14159 3.14159 3.14159 3.14159 2.5}}", "3.141590|3.14|   3.142|3.1     |  2.50")]
    [InlineData("{{printf \"%e|%.2e\" 1234.5678 1234.5678}}", "1.234568e+03|1.23e+03")]
    [InlineData("{{printf \"%g|%.3g|%g|%v\" 0.00001234 1234.5678 100000000.0 1.5}}", "1.234e-05|1.23e+03|1e+08|1.5")]
    public void Float_verbs(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));

    [Theory]
    [InlineData("{{printf \"100%%\"}}", "100%")]
    [InlineData("{{printf \"%d\" \"s\"}}", "%!d(string=s)")]
    [InlineData("{{printf \"%s\" 5}}", "%!s(int=5)")]
    [InlineData("{{printf \"%z\" 1}}", "%!z(int=1)")]
    [InlineData("{{printf \"%s\" .Config.Cmd}}", "%!s(<nil>)")]
    [InlineData("{{printf \"%d\" 1 \"x\"}}", "1%!(EXTRA string=x)")]
    [InlineData("{{printf \"%d %s %v\" 1}}", "1 %!s(MISSING) %!v(MISSING)")]
    [InlineData("{{printf \"%\"}}", "%!(NOVERB)")]
    public void Operands_that_do_not_fit_are_marked_as_fmt_marks_them(string template, string expected) =>
        Assert.Equal(expected, Sample.Render(template));
}
