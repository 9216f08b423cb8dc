using System.Diagnostics;
using System.Runtime.CompilerServices;
using Berth.Actors.Images.Content;

namespace Berth.Actors.Tests.Images.Content;

public sealed class ContentStoreSpecs : IDisposable
{
    private const string WriterEnv = "BERTH_TEST_BLOB_WRITER_ROOT";
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_blob_is_stored_under_its_digest_and_reads_back()
    {
        var store = ContentStore.Open(_scratch.Root);
        var digest = store.Write("hello"u8);
        Assert.Equal("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", digest.ToString());
        Assert.Equal("hello"u8.ToArray(), store.ReadAll(digest));
        Assert.Equal(Path.Combine(_scratch.Root, "content/blobs/sha256", digest.Hex), store.PathOf(digest));
    }

    [Fact]
    public void Sha512_blobs_are_verified_too()
    {
        var store = ContentStore.Open(_scratch.Root);
        var expected = Digest.Of("data"u8, "sha512");
        Assert.Equal(expected, store.Write("data"u8, expected));
        Assert.True(File.Exists(Path.Combine(_scratch.Root, "content/blobs/sha512", expected.Hex)));
    }

    [Fact]
    public void A_digest_mismatch_stores_nothing()
    {
        var store = ContentStore.Open(_scratch.Root);
        var claimed = Digest.Of("something else"u8);
        var error = Assert.Throws<DigestMismatchException>(() => store.Write("actual bytes"u8, claimed));
        Assert.Equal(claimed, error.Expected);
        Assert.False(store.Exists(claimed));
        Assert.False(store.Exists(error.Actual));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(store.Root, "ingest")));
    }

    [Fact]
    public void A_writer_killed_mid_blob_leaves_no_blob_and_reopening_removes_its_temp_file()
    {
        var root = _scratch.Dir("killed");
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment[WriterEnv] = root;
        using var child = Process.Start(psi)!;
        try
        {
            var ready = Path.Combine(root, "ready");
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!File.Exists(ready) && !child.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Assert.True(File.Exists(ready), "the writer process never reached the middle of its blob");
            child.Kill();                     // SIGKILL: no finally blocks, no cleanup in the child
            child.WaitForExit();
        }
        finally
        {
            if (!child.HasExited) { child.Kill(); child.WaitForExit(); }
        }
        var ingest = Path.Combine(root, "content/ingest");
        Assert.NotEmpty(Directory.EnumerateFiles(ingest));   // the half-written temp file the crash left

        var store = ContentStore.Open(root);
        Assert.False(store.Exists(Digest.Of(IntendedBlob)));
        Assert.Empty(store.List());
        Assert.Empty(Directory.EnumerateFiles(ingest));
    }

    private static byte[] IntendedBlob { get; } = Enumerable.Range(0, 4 << 20).Select(i => (byte)(i * 31)).ToArray();

    /// <summary>
    /// In the child process of the kill test (the test executable started again with <see cref="WriterEnv"/>): writes
    /// half of a blob, says so, and hangs until killed.
    /// </summary>
    [ModuleInitializer]
    internal static void BlobWriterChildProcess()
    {
        var root = Environment.GetEnvironmentVariable(WriterEnv);
        if (string.IsNullOrEmpty(root)) return;
        var store = ContentStore.Open(root);
        var writer = store.BeginWrite();
        writer.Write(IntendedBlob.AsSpan(0, IntendedBlob.Length / 2));
        writer.Flush();
        File.WriteAllText(Path.Combine(root, "ready"), "");
        Thread.Sleep(Timeout.Infinite);
    }
}
