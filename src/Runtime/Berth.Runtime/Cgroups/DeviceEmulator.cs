using Berth.Runtime.Oci;

namespace Berth.Runtime.Cgroups;

/// <summary>
/// A device cgroup as runc 1.1 models it (libcontainer/cgroups/devices): a default (allow or deny every device) plus
/// exceptions keyed by type, major and minor, each with the access it grants (or, under a default allow, takes away).
/// Rules apply in order with the kernel's v1 semantics; an "a" rule resets the state whatever its numbers say. Both
/// layouts start from it, so they agree: v1 writes the transition from the cgroup's current state, v2 compiles the
/// clean rule list into an eBPF program.
/// </summary>
public sealed class DeviceEmulator
{
    private readonly record struct Key(char Type, long Major, long Minor);

    private Dictionary<Key, DeviceAccess> _exceptions = [];

    /// <summary>True when every device is allowed but the exceptions (v1's "blacklist" mode).</summary>
    public bool DefaultAllow { get; private set; }

    /// <summary>Starts from deny-all, as runc does for a container's rules: a list without an "a" rule is an allowlist.</summary>
    public static DeviceEmulator From(IEnumerable<DeviceCgroupRule> rules)
    {
        var e = new DeviceEmulator();
        foreach (var r in rules) e.Apply(r);
        return e;
    }

    /// <summary>
    /// The state a v1 cgroup's devices.list shows: "a *:* rwm" means default allow (and says nothing about what is
    /// denied), anything else lists the allowed devices.
    /// </summary>
    public static DeviceEmulator FromList(string devicesList)
    {
        var e = new DeviceEmulator();
        foreach (var line in devicesList.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            e.Apply(ParseListLine(line));
        return e;
    }

    private static DeviceCgroupRule ParseListLine(string line)
    {
        var f = line.Split([' ', ':']);
        if (f.Length != 4 || f[0] is not ("a" or "b" or "c")) throw new FormatException($"malformed devices.list rule \"{line}\"");
        static long Number(string s) => s == "*" ? DeviceCgroupRule.Wildcard : uint.Parse(s);
        return new DeviceCgroupRule(true, f[0][0], Number(f[1]), Number(f[2]), DeviceCgroupRule.ParseAccess(f[3]));
    }

    public void Apply(DeviceCgroupRule rule)
    {
        if (rule.Type == 'a')
        {
            DefaultAllow = rule.Allow;
            _exceptions = [];
            return;
        }
        var key = new Key(rule.Type, rule.Major, rule.Minor);
        // Under a default allow, an allow rule removes a deny exception; under a default deny it adds an allow one.
        if (rule.Allow == DefaultAllow) Remove(key, rule);
        else Add(key, rule.Access);
    }

    private void Add(Key key, DeviceAccess access)
    {
        var merged = _exceptions.GetValueOrDefault(key) | access;
        if (merged != DeviceAccess.None) _exceptions[key] = merged;
    }

    private void Remove(Key key, DeviceCgroupRule rule)
    {
        // The kernel removes only exceptions that match exactly: taking access away from one device of a wildcard
        // exception silently does nothing there. runc refuses such a rule rather than pretend; so do we.
        foreach (var partial in new[] { key with { Major = DeviceCgroupRule.Wildcard }, key with { Minor = DeviceCgroupRule.Wildcard },
                     new Key(key.Type, DeviceCgroupRule.Wildcard, DeviceCgroupRule.Wildcard) })
        {
            if (partial == key) continue;
            var held = _exceptions.GetValueOrDefault(partial);
            if ((held & rule.Access) != DeviceAccess.None)
                throw new ConfigException("linux.resources.devices",
                    $"rule \"{rule}\" cannot be enforced: it would punch a hole in the wildcard rule \"{Describe(partial, held)}\"");
        }
        var left = _exceptions.GetValueOrDefault(key) & ~rule.Access;
        if (left == DeviceAccess.None) _exceptions.Remove(key);
        else _exceptions[key] = left;
    }

    private DeviceCgroupRule Describe(Key k, DeviceAccess access) => new(!DefaultAllow, k.Type, k.Major, k.Minor, access);

    /// <summary>The exceptions in runc's order (major, minor, type; wildcards first).</summary>
    private IEnumerable<KeyValuePair<Key, DeviceAccess>> Ordered(Dictionary<Key, DeviceAccess> exceptions) =>
        exceptions.OrderBy(e => e.Key.Major).ThenBy(e => e.Key.Minor).ThenBy(e => e.Key.Type);

    /// <summary>
    /// The rules that turn a cgroup in this state into <paramref name="target"/>, disrupting as little as runc does: a
    /// reset ("a *:* rwm" allow or deny) only when the defaults differ or this state allows by default (whose denials
    /// devices.list cannot show), then what the target drops, then what it gains.
    /// </summary>
    public IReadOnlyList<DeviceCgroupRule> TransitionTo(DeviceEmulator target)
    {
        var rules = new List<DeviceCgroupRule>();
        var old = _exceptions;
        if (DefaultAllow || DefaultAllow != target.DefaultAllow)
        {
            rules.Add(new DeviceCgroupRule(target.DefaultAllow, 'a', DeviceCgroupRule.Wildcard, DeviceCgroupRule.Wildcard, DeviceAccess.All));
            old = [];
        }
        foreach (var (key, access) in Ordered(old))
        {
            var dropped = access & ~target._exceptions.GetValueOrDefault(key);
            if (dropped != DeviceAccess.None) rules.Add(new DeviceCgroupRule(target.DefaultAllow, key.Type, key.Major, key.Minor, dropped));
        }
        foreach (var (key, access) in Ordered(target._exceptions))
        {
            var gained = access & ~old.GetValueOrDefault(key);
            if (gained != DeviceAccess.None) rules.Add(new DeviceCgroupRule(!target.DefaultAllow, key.Type, key.Major, key.Minor, gained));
        }
        return rules;
    }

    /// <summary>The shortest rule list that gives this state, starting from a deny-all cgroup (the default rule first when it is allow).</summary>
    public IReadOnlyList<DeviceCgroupRule> Rules() => new DeviceEmulator().TransitionTo(this);

    /// <summary>Same default and the same exceptions.</summary>
    public bool SameAs(DeviceEmulator other) =>
        DefaultAllow == other.DefaultAllow && _exceptions.Count == other._exceptions.Count &&
        _exceptions.All(e => other._exceptions.TryGetValue(e.Key, out var a) && a == e.Value);
}
