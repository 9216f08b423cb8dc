using System.Text;
using Berth.Actors.Images.Content;
using Berth.Actors.Images.References;
using Berth.Actors.Images.Store;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Images.Store;

/// <summary>GET /images/json filters and flags, as dockerd 20.10 applies them.</summary>
public sealed class ImageListingSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static Digest D(string s) => Digest.Of(Encoding.UTF8.GetBytes(s));

    private static ImageRecord Image(string name, int minute, Digest? parent = null, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        Id = D("config-" + name), Manifest = D("manifest-" + name), DiffIds = [D("layer-" + name)],
        Created = T0.AddMinutes(minute), Parent = parent, Labels = labels,
    };

    private readonly ImageIndex _index;
    private readonly ImageRecord _old, _mid, _intermediate, _child, _dangling;

    public ImageListingSpecs()
    {
        _old = Image("old", 1, labels: new Dictionary<string, string> { ["tier"] = "db" });
        _mid = Image("mid", 2, labels: new Dictionary<string, string> { ["tier"] = "web", ["team"] = "a" });
        _intermediate = Image("intermediate", 3);
        _child = Image("child", 4, _intermediate.Id);
        _dangling = Image("dangling", 5);
        var index = ImageIndex.Empty;
        foreach (var i in new[] { _old, _mid, _intermediate, _child, _dangling }) index = index.AddImage(i, []);
        index = index.Tag(_old.Id, ImageReference.Parse("busybox:1"), T0).Tag(_mid.Id, ImageReference.Parse("127.0.0.1:5000/web:2"), T0)
            .Tag(_child.Id, ImageReference.Parse("app"), T0);
        _index = index;
    }

    private IReadOnlyList<string> Ids(bool all, string? filters = null) =>
        [.. ImageViews.List(_index, all, ImageFilters.Parse(filters), _ => 10).Select(i => i.Id)];

    [Fact]
    public void Newest_first_and_intermediate_images_only_with_all() =>
        Assert.Equal([_dangling.Id.ToString(), _child.Id.ToString(), _mid.Id.ToString(), _old.Id.ToString()], Ids(false));

    [Fact]
    public void All_includes_untagged_parents_as_none()
    {
        Assert.Contains(_intermediate.Id.ToString(), Ids(true));
        var summary = ImageViews.List(_index, true, ImageFilters.Parse(null), _ => 10).Single(i => i.Id == _intermediate.Id.ToString());
        Assert.Equal(["<none>:<none>"], summary.RepoTags);
        Assert.Equal(["<none>@<none>"], summary.RepoDigests);
        Assert.Equal(_intermediate.Id.ToString(), ImageViews.List(_index, true, ImageFilters.Parse(null), _ => 10).Single(i => i.Id == _child.Id.ToString()).ParentId);
    }

    [Fact]
    public void Dangling_true_lists_only_untagged_leaves_and_false_only_tagged_ones()
    {
        Assert.Equal([_dangling.Id.ToString()], Ids(false, "{\"dangling\":{\"true\":true}}"));
        Assert.DoesNotContain(_dangling.Id.ToString(), Ids(false, "{\"dangling\":{\"false\":true}}"));
    }

    [Fact]
    public void Label_filters_need_every_label_to_match() =>
        Assert.Equal([_mid.Id.ToString()], Ids(false, "{\"label\":{\"tier=web\":true,\"team\":true}}"));

    [Fact]
    public void Reference_filters_match_familiar_names_and_tags()
    {
        Assert.Equal([_old.Id.ToString()], Ids(false, "{\"reference\":{\"busy*\":true}}"));
        Assert.Equal([_mid.Id.ToString()], Ids(false, "{\"reference\":[\"127.0.0.1:5000/web:2\"]}"));
        Assert.Empty(Ids(false, "{\"reference\":{\"nothing*\":true}}"));
    }

    [Fact]
    public void Before_and_since_compare_creation_times_of_a_named_image()
    {
        Assert.Equal([_old.Id.ToString()], Ids(false, "{\"before\":{\"127.0.0.1:5000/web:2\":true}}"));
        Assert.Equal([_dangling.Id.ToString(), _child.Id.ToString()], Ids(false, "{\"since\":{\"127.0.0.1:5000/web:2\":true}}"));
    }

    [Fact]
    public void Unknown_filters_and_bad_values_are_400_and_unknown_images_404()
    {
        Assert.Equal(ImageErrorKind.InvalidArgument, Assert.Throws<ImageOperationException>(() => Ids(false, "{\"color\":{\"red\":true}}")).Kind);
        Assert.Equal(ImageErrorKind.InvalidArgument, Assert.Throws<ImageOperationException>(() => Ids(false, "{\"dangling\":{\"maybe\":true}}")).Kind);
        Assert.Equal(ImageErrorKind.NotFound, Assert.Throws<ImageOperationException>(() => Ids(false, "{\"since\":{\"nosuch\":true}}")).Kind);
    }

    [Fact]
    public void Images_resolve_by_reference_full_id_digest_and_unique_prefix()
    {
        Assert.Equal(_old.Id, _index.Resolve("busybox:1").Id);
        Assert.Equal(_child.Id, _index.Resolve("app").Id);
        Assert.Equal(_mid.Id, _index.Resolve(_mid.Id.Hex).Id);
        Assert.Equal(_mid.Id, _index.Resolve(_mid.Id.ToString()).Id);
        Assert.Equal(_mid.Id, _index.Resolve(_mid.Id.Hex[..12]).Id);
        Assert.Equal("No such image: busybox:2", Assert.Throws<ImageOperationException>(() => _index.Resolve("busybox:2")).Message);
    }
}
