using System.Security.Cryptography;
using Berth.Actors.Images.Layers;
using Berth.Runtime.Native;

namespace Berth.Actors.Images.Content;

/// <summary>
/// Content-addressed blobs under &lt;data-root&gt;/content/blobs/&lt;alg&gt;/&lt;hex&gt;. A blob appears under its digest only
/// after its bytes were written to a temp file in the same filesystem, fsynced and verified, then renamed: a crash
/// mid-write leaves at most a temp file in content/ingest, which the next <see cref="Open"/> removes.
/// </summary>
public sealed class ContentStore
{
    private readonly string _blobs;
    private readonly string _ingest;

    private ContentStore(string root)
    {
        Root = root;
        _blobs = Path.Combine(root, "blobs");
        _ingest = Path.Combine(root, "ingest");
    }

    /// <summary>&lt;data-root&gt;/content.</summary>
    public string Root { get; }

    /// <summary>Opens (creating if needed) the store under &lt;dataRoot&gt;/content and removes leftovers of interrupted writes.</summary>
    public static ContentStore Open(string dataRoot)
    {
        var store = new ContentStore(Path.Combine(dataRoot, "content"));
        ExactMode.Directory(store.Root, ExactMode.Dir0700);   // private like dockerd's image/ (older berthds made it 0755)
        Directory.CreateDirectory(Path.Combine(store._blobs, "sha256"));
        Directory.CreateDirectory(Path.Combine(store._blobs, "sha512"));
        Directory.CreateDirectory(store._ingest);
        foreach (var leftover in Directory.EnumerateFileSystemEntries(store._ingest))
            if (Directory.Exists(leftover)) Directory.Delete(leftover, true); else File.Delete(leftover);
        return store;
    }

    public string PathOf(Digest digest) => Path.Combine(_blobs, digest.Algorithm, digest.Hex);

    public bool Exists(Digest digest) => File.Exists(PathOf(digest));

    public long SizeOf(Digest digest) => new FileInfo(PathOf(digest)).Length;

    public Stream OpenRead(Digest digest)
    {
        try { return new FileStream(PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (FileNotFoundException) { throw new BlobNotFoundException(digest); }
    }

    public byte[] ReadAll(Digest digest)
    {
        try { return File.ReadAllBytes(PathOf(digest)); }
        catch (FileNotFoundException) { throw new BlobNotFoundException(digest); }
    }

    /// <summary>Starts a blob write; the caller writes the bytes and then commits (or disposes to abandon).</summary>
    public BlobWriter BeginWrite(string algorithm = "sha256") => new(this, _ingest, algorithm);

    /// <summary>Stores the whole stream; fails with <see cref="DigestMismatchException"/> (and stores nothing) if it does not hash to <paramref name="expected"/>.</summary>
    public Digest Write(Stream source, Digest? expected = null)
    {
        using var writer = BeginWrite(expected?.Algorithm ?? "sha256");
        source.CopyTo(writer, 1 << 16);
        return writer.Commit(expected);
    }

    public Digest Write(ReadOnlySpan<byte> data, Digest? expected = null)
    {
        using var writer = BeginWrite(expected?.Algorithm ?? "sha256");
        writer.Write(data);
        return writer.Commit(expected);
    }

    public void Delete(Digest digest) => File.Delete(PathOf(digest));

    public IEnumerable<Digest> List()
    {
        foreach (var alg in new[] { "sha256", "sha512" })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(_blobs, alg)))
                if (Digest.TryParse($"{alg}:{Path.GetFileName(file)}", out var d)) yield return d;
    }

    internal void Publish(string tempPath, Digest digest)
    {
        var final = PathOf(digest);
        File.Move(tempPath, final, overwrite: true);   // rename(2): atomic within the filesystem
        Fd.FsyncDirectory(Path.GetDirectoryName(final)!);
    }
}

/// <summary>One in-flight blob write: bytes go to a temp file in content/ingest and are hashed as they pass.</summary>
public sealed class BlobWriter : Stream
{
    private readonly ContentStore _store;
    private readonly string _temp;
    private readonly FileStream _file;
    private readonly IncrementalHash _hash;
    private readonly string _algorithm;
    private bool _done;

    internal BlobWriter(ContentStore store, string ingestDir, string algorithm)
    {
        _store = store;
        _algorithm = algorithm;
        _hash = IncrementalHash.CreateHash(Digest.HashName(algorithm));
        _temp = Path.Combine(ingestDir, $"{Environment.ProcessId}-{Guid.NewGuid():N}.part");
        _file = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
    }

    public long Written { get; private set; }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _file.Write(buffer);
        _hash.AppendData(buffer);
        Written += buffer.Length;
    }

    /// <summary>Fsyncs, verifies and renames the blob into place; returns its digest.</summary>
    public Digest Commit(Digest? expected = null)
    {
        if (_done) throw new InvalidOperationException("blob writer already finished");
        _done = true;
        try
        {
            _file.Flush(flushToDisk: true);
            _file.Dispose();
            var actual = Digest.FromHash(_algorithm, _hash.GetHashAndReset());
            if (expected is { } want && want != actual) throw new DigestMismatchException(want, actual);
            _store.Publish(_temp, actual);
            return actual;
        }
        catch
        {
            File.Delete(_temp);
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_done)
        {
            _done = true;
            _file.Dispose();
            File.Delete(_temp);
        }
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Content did not hash to the digest it was announced under.</summary>
public sealed class DigestMismatchException(Digest expected, Digest actual)
    : IOException($"digest mismatch: expected {expected}, got {actual}")
{
    public Digest Expected { get; } = expected;
    public Digest Actual { get; } = actual;
}

/// <summary>A blob the store does not hold.</summary>
public sealed class BlobNotFoundException(Digest digest) : IOException($"blob {digest} not found in the content store")
{
    public Digest Digest { get; } = digest;
}
