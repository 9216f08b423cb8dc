namespace Berth.Templates.Tests;

public sealed class GoTextSpecs
{
    [Theory]
    [InlineData("a b&c/é~", "a+b%26c%2F%C3%A9~")]
    [InlineData("x-y_z.1", "x-y_z.1")]
    public void QueryEscape_escapes_like_url_QueryEscape(string s, string expected) =>
        Assert.Equal(expected, GoText.QueryEscape(s));

    [Theory]
    [InlineData("a\"b\\\n\u0001\u2028<&>", false, "\"a\\\"b\\\\\\n\\u0001\\u2028<&>\"")]
    [InlineData("<&>", true, "\"\\u003c\\u0026\\u003e\"")]
    public void JsonString_escapes_like_encoding_json(string s, bool escapeHtml, string expected)
    {
        var sb = new System.Text.StringBuilder();
        GoText.JsonString(sb, s, escapeHtml);
        Assert.Equal(expected, sb.ToString());
    }

    [Theory]
    [InlineData("echo \"hi\"\t\\", "\"echo \\\"hi\\\"\\t\\\\\"")]
    [InlineData("ünïcode …", "\"ünïcode …\"")]
    [InlineData("\u0001\u00a0", "\"\\x01\\u00a0\"")]
    public void Quote_escapes_like_strconv_Quote(string s, string expected) =>
        Assert.Equal(expected, GoText.Quote(s));
}
