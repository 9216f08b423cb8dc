namespace Berth.Templates.Tests;

public sealed class GoTextSpecs
{
    [Theory]
    [InlineData("echo \"hi\"\t\\", "\"echo \\\"hi\\\"\\t\\\\\"")]
    [InlineData("ünïcode …", "\"ünïcode …\"")]
    [InlineData("\u0001\u00a0", "\"\\x01\\u00a0\"")]
    public void Quote_escapes_like_strconv_Quote(string s, string expected) =>
        Assert.Equal(expected, GoText.Quote(s));
}
