using Berth.Shell.Formatting;
using Berth.Templates;

namespace Berth.Shell.Tests.Formatting;

public sealed class OutputFormatSpecs
{
    private static readonly Dictionary<string, object?>[] Rows =
    [
        new() { ["ID"] = "85c98cdeb420", ["Image"] = "busybox:local", ["Names"] = "web" },
        new() { ["ID"] = "c6657081380b", ["Image"] = "a-rather-long-image-name:with-tag", ["Names"] = "x" },
    ];

    [Fact]
    public void A_table_prints_docker_header_names_and_pads_columns_to_the_widest_cell_plus_three()
    {
        var text = OutputFormat.Parse(@"table {{.ID}}\t{{.Image}}\t{{.Names}}").Render(Rows, DockerHeaders.Containers);
        Assert.Equal(
            "CONTAINER ID   IMAGE                               NAMES\n" +
            "85c98cdeb420   busybox:local                       web\n" +
            "c6657081380b   a-rather-long-image-name:with-tag   x\n", text);
    }

    [Fact]
    public void Narrow_columns_are_at_least_ten_wide()
    {
        var text = OutputFormat.Parse("table {{.Names}}\t{{.ID}}").Render(Rows, DockerHeaders.Containers);
        Assert.Equal("NAMES     CONTAINER ID\nweb       85c98cdeb420\nx         c6657081380b\n", text);
    }

    [Fact]
    public void An_empty_table_still_prints_its_header()
    {
        var text = OutputFormat.Parse("table {{.ID}}\t{{.Image}}").Render([], DockerHeaders.Containers);
        Assert.Equal("CONTAINER ID   IMAGE\n", text);
    }

    [Fact]
    public void Json_means_one_json_object_per_row()
    {
        var text = OutputFormat.Parse("json").Render(Rows.Take(1));
        Assert.Equal("{\"ID\":\"85c98cdeb420\",\"Image\":\"busybox:local\",\"Names\":\"web\"}\n", text);
    }

    [Fact]
    public void A_failing_row_prints_nothing_and_reports_a_template_error()
    {
        var format = OutputFormat.Parse("{{.ID}} {{index .Names 5}}");
        var e = Assert.Throws<TemplateException>(() => format.Render(Rows));
        Assert.StartsWith("template parsing error: template: :1:", e.Message);
    }

    [Fact]
    public void The_tabwriter_aligns_blocks_of_lines_independently()
    {
        // Go's elastic tabstops: a line without a tab ends a column block.
        var text = new TabWriter().Format("a\tbb\tc\naaaaaaaaaaaaa\tb\tc\nno tabs here\nx\ty\n");
        Assert.Equal("a" + new string(' ', 15) + "bb        c\n" + "aaaaaaaaaaaaa   b         c\n" + "no tabs here\n" + "x         y\n", text);
    }
}
