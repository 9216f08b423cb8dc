using Berth.Shell.Formatting;

namespace Berth.Shell.Tests.Formatting;

public sealed class DisplayTextSpecs
{
    [Theory]
    [InlineData("sha256:bdeb8a01190b287a6bd44b0b5a43356286ea8071cc4b4a75a625e8e96251782f", "bdeb8a01190b")]
    [InlineData("85c98cdeb42013bc23909ac92a6e29ee4244efdeeb8edef9b04474e8f6303f9f", "85c98cdeb420")]
    [InlineData("short", "short")]
    public void Short_ids_drop_the_algorithm_and_keep_twelve_characters(string id, string expected) =>
        Assert.Equal(expected, DisplayText.ShortId(id));

    [Theory]
    [InlineData("sh -c 'sleep 3600'", 20, "sh -c 'sleep 3600'")]
    [InlineData("sh -c 'httpd -f -p 80 -h /www'", 20, "sh -c 'httpd -f -p …")]
    [InlineData("日本語のコマンドです", 10, "日本語の…")]
    [InlineData("abc", 1, "a")]
    [InlineData("abc", 0, "")]
    public void Ellipsis_fits_the_display_width(string s, int width, string expected) =>
        Assert.Equal(expected, DisplayText.Ellipsis(s, width));

    [Fact]
    public void Ports_group_consecutive_exposed_ports_and_list_host_mappings_last()
    {
        var text = PortsText.Display([
            new PortSummary("0.0.0.0", 80, 8080, "tcp"), new PortSummary("::", 80, 8080, "tcp"),
            new PortSummary(null, 443, 0, "tcp"), new PortSummary(null, 444, 0, "tcp"), new PortSummary(null, 53, 0, "udp"),
            new PortSummary("0.0.0.0", 9000, 9000, "tcp"),
        ]);
        Assert.Equal("53/udp, 443-444/tcp, 0.0.0.0:9000->9000/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp", text);
    }
}
