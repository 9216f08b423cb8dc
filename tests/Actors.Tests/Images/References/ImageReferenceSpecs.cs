using Berth.Actors.Images.References;

namespace Berth.Actors.Tests.Images.References;

public sealed class ImageReferenceSpecs
{
    [Theory]
    [InlineData("busybox", "docker.io/library/busybox", "busybox")]
    [InlineData("busybox:latest", "docker.io/library/busybox:latest", "busybox:latest")]
    [InlineData("library/busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36")]
    [InlineData("docker.io/library/busybox", "docker.io/library/busybox", "busybox")]
    [InlineData("index.docker.io/library/busybox:1", "docker.io/library/busybox:1", "busybox:1")]
    [InlineData("user/app:v2", "docker.io/user/app:v2", "user/app:v2")]
    [InlineData("localhost:5000/x:1", "localhost:5000/x:1", "localhost:5000/x:1")]
    [InlineData("localhost/x", "localhost/x", "localhost/x")]
    [InlineData("127.0.0.1:5000/bb:1", "127.0.0.1:5000/bb:1", "127.0.0.1:5000/bb:1")]
    [InlineData("quay.io/a/b/c:tag", "quay.io/a/b/c:tag", "quay.io/a/b/c:tag")]
    [InlineData("busybox@sha256:590ee769fef07f9bc0a9265e9196a4c38d273ab049a4b4659ba1b2b6c1fb2ae8",
        "docker.io/library/busybox@sha256:590ee769fef07f9bc0a9265e9196a4c38d273ab049a4b4659ba1b2b6c1fb2ae8",
        "busybox@sha256:590ee769fef07f9bc0a9265e9196a4c38d273ab049a4b4659ba1b2b6c1fb2ae8")]
    public void References_normalise_like_docker(string input, string full, string familiar)
    {
        var reference = ImageReference.Parse(input);
        Assert.Equal(full, reference.ToString());
        Assert.Equal(familiar, reference.Familiar);
    }

    [Fact]
    public void A_missing_tag_becomes_latest_only_when_asked()
    {
        var reference = ImageReference.Parse("busybox");
        Assert.Null(reference.Tag);
        Assert.Equal("docker.io/library/busybox:latest", reference.WithDefaultTag().ToString());
        Assert.Equal("busybox:latest", reference.WithDefaultTag().Familiar);
    }

    [Theory]
    [InlineData("BusyBox")]
    [InlineData("busybox:bad tag")]
    [InlineData("a//b")]
    [InlineData("busybox@sha256:short")]
    [InlineData("19756a93e6be2d0ada96d1edf40b5f971e440c7a234c15471efe5fe950b714bf")]
    [InlineData("")]
    public void Malformed_references_are_refused(string input) =>
        Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse(input));

    [Theory]
    [InlineData("busybox*", "busybox:latest", true)]
    [InlineData("busy*", "busybox", true)]
    [InlineData("*", "user/app", false)]
    [InlineData("*/*", "user/app", true)]
    [InlineData("b?sybox", "busybox", true)]
    [InlineData("[a-c]usybox", "busybox", true)]
    [InlineData("[^b]usybox", "busybox", false)]
    public void Reference_filters_match_like_go_path_match(string pattern, string name, bool matches) =>
        Assert.Equal(matches, GlobMatch.Matches(pattern, name));
}
