using Berth.Actors.Images.Content;
using Berth.Actors.Images.Layers;
using Berth.Actors.Images.Model;

namespace Berth.Actors.Images.Store;

/// <summary>Progress of one layer being loaded or imported ("Loading layer", bytes so far of total).</summary>
public sealed record ImageProgress(string Id, string Status, long Current, long Total);

/// <summary>
/// What one job newly put on disk (snapshots, blobs), so a job that fails half-way can have exactly that removed
/// again; the images actor re-checks before deleting, in case another job started relying on it meanwhile.
/// </summary>
public sealed class IngestLog
{
    private readonly List<Digest> _chains = [];
    private readonly List<Digest> _blobs = [];

    public void Chain(Digest chainId) { lock (_chains) _chains.Add(chainId); }
    public void Blob(Digest blob) { lock (_blobs) _blobs.Add(blob); }

    public Garbage ToGarbage()
    {
        lock (_chains) lock (_blobs) return new Garbage([.. _chains.AsEnumerable().Reverse()], [.. _blobs]);
    }
}

/// <summary>
/// Brings one layer blob into the store in a single pass: the raw bytes go to the content store, the decompressed tar
/// is hashed (diffID) and unpacked into its snapshot. Nothing is published unless every digest checks out.
/// </summary>
public sealed class LayerIngest(ContentStore content, SnapshotStore snapshots)
{
    /// <param name="raw">The blob as stored or transferred (tar, tar+gzip or tar+zstd).</param>
    /// <param name="parentDiffIds">DiffIDs of the layers below, to compute the chainID.</param>
    /// <param name="expectedBlob">Digest the blob must have (from a manifest), if known.</param>
    /// <param name="expectedDiffId">DiffID the tar must have (from a config), if known.</param>
    /// <param name="mediaType">Media type from a manifest; derived from the compression when null.</param>
    public (LayerRecord Layer, Digest ChainId) Ingest(Stream raw, IReadOnlyList<Digest> parentDiffIds, Digest? expectedBlob,
        Digest? expectedDiffId, string? mediaType, long total, IProgress<ImageProgress>? progress, IngestLog? log = null)
    {
        var progressId = (expectedDiffId ?? expectedBlob)?.Hex[..12] ?? "";
        using var blob = content.BeginWrite(expectedBlob?.Algorithm ?? "sha256");
        using var tee = new TeeStream(raw, blob, n => progress?.Report(new ImageProgress(progressId, "Loading layer", n, total)));
        var (decompressed, kind) = Compression.Decompress(tee);
        using var diff = new DigestingStream(decompressed);
        Digest? blobDigest = null;
        Digest? diffId = null;
        Digest? chain = null;

        void Finish()
        {
            diff.Drain();
            tee.Drain();
            diffId = diff.Digest;
            if (expectedDiffId is { } want && want != diffId) throw new DigestMismatchException(want, diffId.Value);
            var existed = expectedBlob is { } b && content.Exists(b);
            blobDigest = blob.Commit(expectedBlob);
            if (!existed) log?.Blob(blobDigest.Value);
        }

        if (expectedDiffId is { } known && snapshots.Exists(ChainId.Top([.. parentDiffIds, known])!.Value))
        {
            // Snapshot already there (shared layer): only the blob may be missing; still verify both digests.
            var buffer = new byte[1 << 16];
            while (diff.Read(buffer) > 0) { }
            Finish();
        }
        else
        {
            chain = snapshots.Unpack(diff, () => ChainId.Top([.. parentDiffIds, diffId!.Value])!.Value, Finish);
            log?.Chain(chain.Value);
        }
        chain ??= ChainId.Top([.. parentDiffIds, diffId!.Value])!.Value;
        var type = mediaType ?? kind switch
        {
            CompressionKind.Gzip => MediaTypes.OciLayerGzip,
            CompressionKind.Zstd => MediaTypes.OciLayerZstd,
            _ => MediaTypes.OciLayer,
        };
        return (new LayerRecord(diffId!.Value, blobDigest!.Value, type, blob.Written, diff.BytesRead), chain.Value);
    }

    /// <summary>Copies what is read from the source into a writer, reporting the running byte count.</summary>
    private sealed class TeeStream(Stream source, Stream sink, Action<long> onProgress) : ForwardOnlyReadStream
    {
        private long _total;
        private long _lastReport = -1;


        public override int Read(Span<byte> buffer)
        {
            var n = source.Read(buffer);
            if (n > 0)
            {
                sink.Write(buffer[..n]);
                _total += n;
                if (_total - _lastReport >= 1 << 20) { _lastReport = _total; onProgress(_total); }
            }
            else if (_lastReport != _total) { _lastReport = _total; onProgress(_total); }
            return n;
        }

        public void Drain()
        {
            var buf = new byte[1 << 16];
            while (Read(buf) > 0) { }
        }

        protected override long ReadPosition => _total;
    }
}
