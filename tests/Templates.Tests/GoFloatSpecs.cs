namespace Berth.Templates.Tests;

public sealed class GoFloatSpecs
{
    [Theory]
    [InlineData(1.024, 4, "1.024")]
    [InlineData(32.768, 4, "32.77")]
    [InlineData(1.125, 3, "1.12")] // an exact binary half rounds to even, as strconv does
    [InlineData(1.135, 3, "1.14")] // 1.135 is a little above the half in binary
    [InlineData(999.5, 3, "1e+03")]
    [InlineData(1000, 4, "1000")]
    [InlineData(0.0001234, 2, "0.00012")]
    [InlineData(-2.5, 1, "-2")]
    public void FormatG_is_fmt_g_with_a_precision(double value, int precision, string expected) =>
        Assert.Equal(expected, GoFloat.FormatG(value, precision));

    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(100000.0, "100000")]
    [InlineData(1e6, "1e+06")]
    [InlineData(123456789.0, "1.23456789e+08")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(0.000123, "0.000123")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    public void FormatShortest_is_fmt_v_of_a_float64(double value, string expected) =>
        Assert.Equal(expected, GoFloat.FormatShortest(value));
}
