namespace Berth.Shell.Terminal;

/// <summary>
/// docker's detach-key syntax: a comma-separated list of single characters or "ctrl-&lt;x&gt;" where x is a-z, @, [, \, ], ^ or _.
/// The default is "ctrl-p,ctrl-q".
/// </summary>
public static class DetachKeys
{
    public const string Default = "ctrl-p,ctrl-q";

    // ASCII 0..31 in order, as docker's term.ASCII list.
    private static readonly string[] Control =
    [
        "ctrl-@", "ctrl-a", "ctrl-b", "ctrl-c", "ctrl-d", "ctrl-e", "ctrl-f", "ctrl-g", "ctrl-h", "ctrl-i", "ctrl-j", "ctrl-k",
        "ctrl-l", "ctrl-m", "ctrl-n", "ctrl-o", "ctrl-p", "ctrl-q", "ctrl-r", "ctrl-s", "ctrl-t", "ctrl-u", "ctrl-v", "ctrl-w",
        "ctrl-x", "ctrl-y", "ctrl-z", "ctrl-[", "ctrl-\\", "ctrl-]", "ctrl-^", "ctrl-_",
    ];

    /// <summary>Turns "ctrl-p,ctrl-q" into {0x10, 0x11}; unknown keys throw FormatException("Unknown character: 'x'").</summary>
    public static byte[] Parse(string keys)
    {
        var codes = new List<byte>();
        foreach (var key in keys.Split(','))
        {
            if (key.Length == 1 && key[0] < 0x80)
            {
                codes.Add((byte)key[0]);
                continue;
            }
            var code = Array.IndexOf(Control, key);
            if (code < 0) throw new FormatException($"Unknown character: '{key}'");
            codes.Add((byte)code);
        }
        return codes.ToArray();
    }

    /// <summary>The daemon's wording when a bad --detach-keys value reaches it.</summary>
    public static string InvalidMessage(string keys) => $"Invalid detach keys ({keys}) provided";
}

/// <summary>
/// Watches stdin for the detach sequence (docker's escape proxy): bytes that might start the sequence are held
/// back; when the sequence completes the caller detaches, otherwise the held bytes are released unchanged.
/// </summary>
public sealed class DetachKeyDetector(byte[] sequence)
{
    private int _matched;

    /// <summary>Feeds input; returns the bytes to forward, and whether the full sequence was typed.</summary>
    public (byte[] Forward, bool Detached) Process(ReadOnlySpan<byte> input)
    {
        var forward = new List<byte>(input.Length);
        foreach (var b in input)
        {
            if (sequence.Length > 0 && b == sequence[_matched])
            {
                _matched++;
                if (_matched == sequence.Length)
                {
                    _matched = 0;
                    return (forward.ToArray(), true);
                }
                continue;
            }
            if (_matched > 0)
            {
                // The held prefix was not the sequence after all: release it, then reconsider this byte.
                forward.AddRange(sequence.AsSpan(0, _matched).ToArray());
                _matched = 0;
                if (b == sequence[0])
                {
                    _matched = 1;
                    if (sequence.Length == 1) return (forward.ToArray(), true);
                    continue;
                }
            }
            forward.Add(b);
        }
        return (forward.ToArray(), false);
    }
}
