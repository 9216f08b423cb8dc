using System.Text.Json.Nodes;
using Berth.Runtime.Oci;
using Berth.Runtime.Seccomp;
using Berth.Runtime.Tests.Support;
using Berth.TestSupport;

namespace Berth.Runtime.Tests.Seccomp;

/// <summary>Compiled seccomp programs are kept by content, so only the first container with a profile pays libseccomp.</summary>
public sealed class SeccompCacheSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Berth.Runtime.Oci.Seccomp Profile(params string[] denied) => new()
    {
        DefaultAction = "SCMP_ACT_ALLOW",
        Architectures = ["SCMP_ARCH_X86_64"],
        Syscalls = [new SeccompSyscall { Names = [.. denied], Action = "SCMP_ACT_ERRNO", ErrnoRet = 1 }],
    };

    [Fact]
    public void A_profile_is_compiled_once_and_then_read_from_the_cache()
    {
        var cache = new SeccompCache(_dir.Combine("cache"));
        var program = cache.Compile(Profile("mkdir"));
        Assert.Equal(SeccompCompiler.Compile(Profile("mkdir")), program);
        var entry = Assert.Single(Directory.GetFiles(cache.Dir));
        Assert.Equal(SeccompCache.Key(Profile("mkdir")) + ".bpf", Path.GetFileName(entry));

        // What is stored is what is used: the program ends the entry, and a marked one comes back as marked.
        Assert.Equal(program, File.ReadAllBytes(entry)[^program.Length..]);
        File.AppendAllText(entry, "\0\0\0\0\0\0\0\0");
        Assert.Equal(program.Concat(new byte[8]), cache.Compile(Profile("mkdir")));
    }

    [Fact]
    public void An_entry_recorded_for_another_profile_is_never_used_even_under_the_right_name()
    {
        // What a hash collision would look like: rmdir's entry under mkdir's name.
        var cache = new SeccompCache(_dir.Combine("cache"));
        cache.Compile(Profile("rmdir"));
        var rmdirEntry = Path.Combine(cache.Dir, SeccompCache.Key(Profile("rmdir")) + ".bpf");
        File.Copy(rmdirEntry, Path.Combine(cache.Dir, SeccompCache.Key(Profile("mkdir")) + ".bpf"));
        Assert.Equal(SeccompCompiler.Compile(Profile("mkdir")), cache.Compile(Profile("mkdir")));
    }

    [Fact]
    public void Different_profiles_have_different_entries()
    {
        Assert.Equal(SeccompCache.Key(Profile("mkdir")), SeccompCache.Key(Profile("mkdir")));
        Assert.NotEqual(SeccompCache.Key(Profile("mkdir")), SeccompCache.Key(Profile("rmdir")));
        var cache = new SeccompCache(_dir.Combine("cache"));
        Assert.NotEqual(cache.Compile(Profile("mkdir")), cache.Compile(Profile("rmdir")));
        Assert.Equal(2, Directory.GetFiles(cache.Dir).Length);
    }

    [Fact]
    public void A_damaged_entry_is_compiled_again_and_replaced()
    {
        var cache = new SeccompCache(_dir.Combine("cache"));
        var entry = Path.Combine(cache.Dir, SeccompCache.Key(Profile("mkdir")) + ".bpf");
        Directory.CreateDirectory(cache.Dir);
        File.WriteAllBytes(entry, [1, 2, 3]);
        var expected = SeccompCompiler.Compile(Profile("mkdir"));
        Assert.Equal(expected, cache.Compile(Profile("mkdir")));
        Assert.Equal(expected, File.ReadAllBytes(entry)[^expected.Length..]);
    }

    [Fact]
    public void A_cache_that_cannot_be_written_still_yields_the_program()
    {
        var file = _dir.Combine("not-a-dir");
        File.WriteAllText(file, "");
        var messages = new List<string>();
        var cache = new SeccompCache(Path.Combine(file, "cache"), messages.Add);
        Assert.Equal(SeccompCompiler.Compile(Profile("mkdir")), cache.Compile(Profile("mkdir")));
        Assert.Contains("seccomp cache: cannot store", Assert.Single(messages));
    }

    [Fact]
    public void Containers_of_one_runtime_root_share_the_entry()
    {
        using var bundle = Bundle.Busybox().WithScript("mkdir /tmp/x 2>&1; true");
        bundle.With("linux.seccomp", JsonNode.Parse("""
            { "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 } ] }
            """)).Write();
        using var berth = OciRuntime.Berth();
        for (var i = 0; i < 2; i++)
            Assert.Contains("Operation not permitted", berth.Run(bundle).ShouldSucceed().Stdout);
        Assert.Single(Directory.GetFiles(Path.Combine(berth.Root, ".seccomp")));
    }
}
