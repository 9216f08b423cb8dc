namespace Berth.Host.Api;

/// <summary>
/// The attach detachKeys parameter (docker's term.ToBytes): comma-separated single characters or "ctrl-x" with x in
/// a-z, @, [, \, ], ^, _. The default is ctrl-p,ctrl-q. Detection holds back a possible prefix until it is decided.
/// </summary>
public sealed class DetachKeySequence
{
    public const string Default = "ctrl-p,ctrl-q";

    private readonly byte[] _keys;
    private int _matched;

    private DetachKeySequence(byte[] keys) { _keys = keys; }

    /// <summary>Parses a sequence; an unknown key is docker's 400 "Invalid detach keys (…) provided" (attach's wording).</summary>
    public static DetachKeySequence Parse(string? text) =>
        new(Bytes(string.IsNullOrEmpty(text) ? Default : text) ?? throw ApiException.BadRequest($"Invalid detach keys ({text}) provided"));

    /// <summary>
    /// An exec's DetachKeys (exec create): empty means the default; an unknown key is refused with dockerd's exec wording,
    /// "Invalid escape keys (…) provided" (dockerd answers it with a 500; it is bad input, so berth says 400).
    /// </summary>
    public static DetachKeySequence ForExec(string? text) =>
        new(Bytes(string.IsNullOrEmpty(text) ? Default : text) ?? throw ApiException.BadRequest($"Invalid escape keys ({text}) provided"));

    /// <summary>docker's ExecInspect DetachKeys: the exec's own key bytes, base64 as Go encodes []byte (empty when none were given).</summary>
    public static string InspectValue(string? text) =>
        string.IsNullOrEmpty(text) ? "" : Convert.ToBase64String(Bytes(text) ?? []);

    /// <summary>The key bytes of a sequence (docker's term.ToBytes), or null when a key is not one docker knows.</summary>
    private static byte[]? Bytes(string text)
    {
        var keys = new List<byte>();
        foreach (var key in text.Split(','))
        {
            var k = key.Trim().ToLowerInvariant();
            if (k.Length == 1 && k[0] < 0x80) { keys.Add((byte)key.Trim()[0]); continue; }
            if (k.StartsWith("ctrl-", StringComparison.Ordinal) && k.Length == 6)
            {
                var c = k[5];
                if (c is >= 'a' and <= 'z') { keys.Add((byte)(c - 'a' + 1)); continue; }
                var i = "@[\\]^_".IndexOf(c);
                if (i >= 0) { keys.Add((byte)(i == 0 ? 0 : 27 + i - 1)); continue; }
            }
            return null;
        }
        return [.. keys];
    }

    /// <summary>Returns the bytes to pass on to the container and whether the whole sequence was just typed.</summary>
    public (byte[] Forward, bool Detach) Feed(ReadOnlySpan<byte> input)
    {
        var forward = new List<byte>(input.Length);
        foreach (var b in input)
        {
            if (b == _keys[_matched])
            {
                if (++_matched == _keys.Length) return ([.. forward], true);
                continue;
            }
            // A broken prefix is released as typed, then this byte may start a new match.
            for (var i = 0; i < _matched; i++) forward.Add(_keys[i]);
            _matched = 0;
            if (b == _keys[0]) { _matched = 1; if (_keys.Length == 1) return ([.. forward], true); continue; }
            forward.Add(b);
        }
        return ([.. forward], false);
    }
}
