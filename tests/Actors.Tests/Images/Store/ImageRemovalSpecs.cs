using System.Text;
using Berth.Actors.Images.Content;
using Berth.Actors.Images.Layers;
using Berth.Actors.Images.References;
using Berth.Actors.Images.Store;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Images.Store;

/// <summary>The rmi and prune rules, decided without any I/O.</summary>
public sealed class ImageRemovalSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static Digest D(string s) => Digest.Of(Encoding.UTF8.GetBytes(s));

    private static ImageRecord Image(string name, Digest? parent = null, params string[] layers) => new()
    {
        Id = D("config-" + name),
        Manifest = D("manifest-" + name),
        DiffIds = [.. layers.Select(D)],
        Parent = parent,
        Created = Now.AddMinutes(-layers.Length),
    };

    private static ImageIndex With(ImageIndex index, ImageRecord image, params string[] tags)
    {
        index = index.AddImage(image, image.DiffIds.Select(d => new LayerRecord(d, d, "application/vnd.oci.image.layer.v1.tar", 1, 1)));
        foreach (var tag in tags) index = index.Tag(image.Id, ImageReference.Parse(tag), Now);
        return index;
    }

    private static ContainerImageUse Container(string id, ImageRecord image, bool running) =>
        new(id, image.Id.ToString(), running, [.. image.ChainIds.Select(c => c.ToString())]);

    [Fact]
    public void Removing_one_of_two_tags_only_untags()
    {
        var image = Image("a", null, "base");
        var index = With(ImageIndex.Empty, image, "app:1", "app:extra");
        var result = new ImageRemoval([]).Remove(index, "app:extra", force: false, prune: true);
        Assert.Equal([ImageDeleteResponseItem.UntaggedRef("app:extra")], result.Items);
        Assert.NotNull(result.Index.Get(image.Id));
        Assert.Empty(result.Garbage.ChainIds);
    }

    [Fact]
    public void Removing_the_last_tag_deletes_the_image_and_its_unshared_layers_top_first()
    {
        var shared = Image("shared", null, "base");
        var image = Image("b", null, "base", "mid", "top");
        var index = With(With(ImageIndex.Empty, shared, "base:1"), image, "app:2");
        var result = new ImageRemoval([]).Remove(index, "app:2", force: false, prune: true);
        var chains = image.ChainIds;
        Assert.Equal(
            [ImageDeleteResponseItem.UntaggedRef("app:2"), ImageDeleteResponseItem.DeletedId(image.Id.ToString()),
             ImageDeleteResponseItem.DeletedId(chains[2].ToString()), ImageDeleteResponseItem.DeletedId(chains[1].ToString())],
            result.Items);
        Assert.Equal([chains[2], chains[1]], result.Garbage.ChainIds);
        Assert.Contains(image.Id, result.Garbage.Blobs);
        Assert.DoesNotContain(D("base"), result.Garbage.Blobs);   // still used by base:1
        Assert.Equal(["untag", "delete"], result.Events.Select(e => e.Action));
    }

    [Fact]
    public void An_image_used_by_a_container_cannot_lose_its_only_tag_without_force()
    {
        var image = Image("busybox", null, "bb");
        var index = With(ImageIndex.Empty, image, "busybox:local");
        var user = Container("fb4eb64fbadd1234567890", image, running: false);
        var error = Assert.Throws<ImageOperationException>(() => new ImageRemoval([user]).Remove(index, "busybox:local", false, true));
        Assert.Equal(ImageErrorKind.Conflict, error.Kind);
        Assert.Equal($"conflict: unable to remove repository reference \"busybox:local\" (must force) - container fb4eb64fbadd is using its referenced image {image.Id.Short}", error.Message);
    }

    [Fact]
    public void Force_removes_an_image_of_a_stopped_container_but_keeps_its_snapshots()
    {
        var image = Image("busybox", null, "bb");
        var index = With(ImageIndex.Empty, image, "busybox:local");
        var user = Container("c1", image, running: false);
        var result = new ImageRemoval([user]).Remove(index, "busybox:local", force: true, prune: true);
        Assert.Null(result.Index.Get(image.Id));
        Assert.Empty(result.Garbage.ChainIds);
    }

    [Fact]
    public void A_running_container_blocks_removal_by_id_even_with_force()
    {
        var image = Image("busybox", null, "bb");
        var index = With(ImageIndex.Empty, image, "busybox:local");
        var error = Assert.Throws<ImageOperationException>(() =>
            new ImageRemoval([Container("c1", image, running: true)]).Remove(index, image.Id.Hex[..12], force: true, prune: true));
        Assert.Equal($"conflict: unable to delete {image.Id.Short} (cannot be forced) - image is being used by running container c1", error.Message);
    }

    [Fact]
    public void Removing_by_id_an_image_with_tags_in_two_repositories_needs_force()
    {
        var image = Image("x", null, "l");
        var index = With(ImageIndex.Empty, image, "one:1", "two:1");
        var error = Assert.Throws<ImageOperationException>(() => new ImageRemoval([]).Remove(index, image.Id.ToString(), false, true));
        Assert.Equal($"conflict: unable to delete {image.Id.Short} (must be forced) - image is referenced in multiple repositories", error.Message);
        var forced = new ImageRemoval([]).Remove(index, image.Id.ToString(), force: true, prune: true);
        Assert.Equal(["one:1", "two:1"], forced.Items.Where(i => i.Untagged != null).Select(i => i.Untagged!));
        Assert.Null(forced.Index.Get(image.Id));
    }

    [Fact]
    public void A_parent_with_children_cannot_be_deleted_and_untagged_parents_are_pruned_with_the_child()
    {
        var parent = Image("parent", null, "l1");
        var child = Image("child", parent.Id, "l1", "l2");
        var index = With(With(ImageIndex.Empty, parent), child, "child:1");
        var error = Assert.Throws<ImageOperationException>(() => new ImageRemoval([]).Remove(index, parent.Id.ToString(), true, true));
        Assert.Contains("image has dependent child images", error.Message);

        var result = new ImageRemoval([]).Remove(index, "child:1", false, prune: true);
        Assert.Null(result.Index.Get(parent.Id));
        var noprune = new ImageRemoval([]).Remove(index, "child:1", false, prune: false);
        Assert.NotNull(noprune.Index.Get(parent.Id));
    }

    [Fact]
    public void An_unknown_image_is_a_404_in_familiar_form()
    {
        var error = Assert.Throws<ImageOperationException>(() => new ImageRemoval([]).Remove(ImageIndex.Empty, "nosuch:img", false, true));
        Assert.Equal((ImageErrorKind.NotFound, "No such image: nosuch:img"), (error.Kind, error.Message));
    }

    [Fact]
    public void Prune_removes_dangling_images_only_unless_told_all_and_skips_images_in_use()
    {
        var dangling = Image("dangling", null, "d");
        var tagged = Image("tagged", null, "t");
        var used = Image("used", null, "u");
        var index = With(With(With(ImageIndex.Empty, dangling), tagged, "keep:1"), used);
        var containers = new[] { Container("c", used, running: false) };

        var dflt = ImagePrune.Plan(index, new Dictionary<string, IReadOnlyList<string>>(), containers, Now);
        Assert.Equal([ImageDeleteResponseItem.DeletedId(dangling.Id.ToString()), ImageDeleteResponseItem.DeletedId(dangling.ChainIds[0].ToString())], dflt.Items);

        var all = ImagePrune.Plan(index, new Dictionary<string, IReadOnlyList<string>> { ["dangling"] = ["false"] }, containers, Now);
        Assert.Null(all.Index.Get(tagged.Id));
        Assert.NotNull(all.Index.Get(used.Id));
    }

    [Fact]
    public void Shared_layers_outlive_the_first_image_and_go_with_the_last()
    {
        var a = Image("a", null, "base", "a");
        var b = Image("b", null, "base", "b");
        var index = With(With(ImageIndex.Empty, a, "a:1"), b, "b:1");
        var first = new ImageRemoval([]).Remove(index, "a:1", false, true);
        Assert.DoesNotContain(a.ChainIds[0], first.Garbage.ChainIds);
        Assert.True(first.Index.Layers.ContainsKey(D("base").ToString()));
        var second = new ImageRemoval([]).Remove(first.Index, "b:1", false, true);
        Assert.Contains(b.ChainIds[0], second.Garbage.ChainIds);
        Assert.Empty(second.Index.Layers);
    }
}
