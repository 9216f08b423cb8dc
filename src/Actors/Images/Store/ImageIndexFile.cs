using System.Text.Json;
using Berth.Actors.Images.Layers;
using Berth.Actors.Images.Model;
using Berth.Runtime.Native;

namespace Berth.Actors.Images.Store;

/// <summary>Persists the <see cref="ImageIndex"/> as &lt;data-root&gt;/images/index.json, atomically (temp file, fsync, rename).</summary>
public sealed class ImageIndexFile(string dataRoot)
{
    private static readonly JsonSerializerOptions Json = new(OciJson.Options) { WriteIndented = true };

    public string Path { get; } = System.IO.Path.Combine(dataRoot, "images", "index.json");

    public ImageIndex Load()
    {
        var dir = System.IO.Path.GetDirectoryName(Path)!;
        ExactMode.Directory(dir, ExactMode.Dir0700);
        foreach (var temp in Directory.EnumerateFiles(dir, "index.json.tmp-*")) File.Delete(temp);
        if (!File.Exists(Path)) return ImageIndex.Empty;
        try
        {
            return JsonSerializer.Deserialize<ImageIndex>(File.ReadAllBytes(Path), Json) ?? ImageIndex.Empty;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Path} is not a valid image index: {e.Message}", e);
        }
    }

    public void Save(ImageIndex index)
    {
        var temp = $"{Path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(file, index, Json);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, Path, overwrite: true);
            Fd.FsyncDirectory(System.IO.Path.GetDirectoryName(Path)!);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
