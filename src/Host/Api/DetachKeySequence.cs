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

    /// <summary>Parses a sequence; an unknown key is docker's 400 "Invalid detach keys (…) provided".</summary>
    public static DetachKeySequence Parse(string? text)
    {
        var source = string.IsNullOrEmpty(text) ? Default : text;
        var keys = new List<byte>();
        foreach (var key in source.Split(','))
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
            throw ApiException.BadRequest($"Invalid detach keys ({text}) provided");
        }
        return new DetachKeySequence([.. keys]);
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
