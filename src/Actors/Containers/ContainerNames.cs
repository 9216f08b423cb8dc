using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Berth.Actors.Containers;

/// <summary>Container ids and names as docker makes and checks them.</summary>
public static partial class ContainerNames
{
    private static readonly string[] Left = ["admiring", "brave", "calm", "clever", "eager", "focused", "gifted", "happy", "jolly", "keen", "loving", "nifty", "quirky", "serene", "trusting", "zealous"];
    private static readonly string[] Right = ["babbage", "curie", "darwin", "euler", "fermat", "galois", "hopper", "knuth", "lovelace", "noether", "pascal", "ritchie", "shannon", "turing", "wozniak", "yonath"];

    /// <summary>64 hex characters, never all digits (docker avoids ids that parse as numbers).</summary>
    public static string NewId()
    {
        while (true)
        {
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            if (!id[..12].All(char.IsAsciiDigit)) return id;
        }
    }

    public static string Random() => $"{Left[RandomNumberGenerator.GetInt32(Left.Length)]}_{Right[RandomNumberGenerator.GetInt32(Right.Length)]}";

    /// <summary>docker's RestrictedNamePattern.</summary>
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    [GeneratedRegex("^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex Pattern();
}
