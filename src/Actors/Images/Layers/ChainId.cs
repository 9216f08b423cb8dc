using System.Security.Cryptography;
using System.Text;
using Berth.Actors.Images.Content;

namespace Berth.Actors.Images.Layers;

/// <summary>ChainID of stacked layers: ChainID(L0) = DiffID(L0); ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)).</summary>
public static class ChainId
{
    public static IReadOnlyList<Digest> All(IReadOnlyList<Digest> diffIds)
    {
        var result = new List<Digest>(diffIds.Count);
        foreach (var diff in diffIds)
            result.Add(result.Count == 0 ? diff
                : Digest.FromHash("sha256", SHA256.HashData(Encoding.ASCII.GetBytes($"{result[^1]} {diff}"))));
        return result;
    }

    public static Digest? Top(IReadOnlyList<Digest> diffIds) => diffIds.Count == 0 ? null : All(diffIds)[^1];
}
