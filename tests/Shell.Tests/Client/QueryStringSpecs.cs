using Berth.Shell.Client;

namespace Berth.Shell.Tests.Client;

public sealed class QueryStringSpecs
{
    [Fact]
    public void Keys_are_sorted_like_go_url_values()
    {
        var q = new QueryString().Flag("stream", true).Flag("stdout", true).Flag("stderr", true).Flag("stdin", false);
        Assert.Equal("stderr=1&stdout=1&stream=1", q.ToString());
    }

    [Fact]
    public void Values_are_query_escaped_with_plus_for_space()
    {
        var q = new QueryString().Add("fromImage", "127.0.0.1:5000/bb2").Add("changes", "ENV X=1");
        Assert.Equal("changes=ENV+X%3D1&fromImage=127.0.0.1%3A5000%2Fbb2", q.ToString());
    }

    [Fact]
    public void Repeated_keys_keep_every_value_in_order() =>
        Assert.Equal("t=a%3A1&t=b", new QueryString().Add("t", "a:1").Add("t", "b").ToString());

    [Fact]
    public void Booleans_are_one_or_zero() =>
        Assert.Equal("a=1&b=0", new QueryString().Bool("a", true).Bool("b", false).ToString());

    [Fact]
    public void Filters_are_a_json_map_of_sets()
    {
        var filters = new Filters().AddFlag("status=running").AddFlag("label=a=b").AddFlag("status=exited");
        Assert.Equal("""{"label":{"a=b":true},"status":{"exited":true,"running":true}}""", filters.ToJson());
        Assert.Equal("filters=%7B%22label%22%3A%7B%22a%3Db%22%3Atrue%7D%2C%22status%22%3A%7B%22exited%22%3Atrue%2C%22running%22%3Atrue%7D%7D",
            new QueryString().Filters(filters).ToString());
    }

    [Fact]
    public void Empty_filters_are_omitted() => Assert.True(new QueryString().Filters(new Filters()).IsEmpty);
}
