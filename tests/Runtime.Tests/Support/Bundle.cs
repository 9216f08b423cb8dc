using System.Text.Json.Nodes;

namespace Berth.Runtime.Tests.Support;

/// <summary>
/// An OCI bundle on disk (config.json + busybox rootfs) under a test-unique directory, with a
/// test-unique cgroupsPath. Configure it with the fluent methods, then Write().
/// </summary>
public sealed class Bundle : IDisposable
{
    public string Dir { get; }
    public string Rootfs => Path.Combine(Dir, "rootfs");
    public JsonObject Config { get; }
    /// <summary>Parent cgroup of this bundle's containers, e.g. /berth-test-1a2b3c.</summary>
    public string CgroupParent { get; }

    private Bundle(string dir, JsonObject config, string cgroupParent)
    {
        Dir = dir;
        Config = config;
        CgroupParent = cgroupParent;
    }

    /// <summary>runc's default spec, made non-interactive, running args in a fresh busybox rootfs.</summary>
    public static Bundle Busybox(params string[] args)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var dir = Path.Combine("/tmp", "berth-test-bundle-" + suffix);
        Directory.CreateDirectory(dir);
        TestRootfs.Create(Path.Combine(dir, "rootfs"));
        var config = JsonNode.Parse(DefaultConfig)!.AsObject();
        var b = new Bundle(dir, config, "/berth-test-" + suffix);
        b.Config["linux"]!["cgroupsPath"] = b.CgroupParent + "/ctr";
        if (args.Length > 0) b.WithArgs(args);
        return b;
    }

    public Bundle WithArgs(params string[] args)
    {
        Config["process"]!["args"] = new JsonArray(args.Select(a => (JsonNode)a!).ToArray());
        return this;
    }

    /// <summary>Runs a shell script as the container process.</summary>
    public Bundle WithScript(string script) => WithArgs("sh", "-c", script);

    public Bundle WithCgroupsPath(string path)
    {
        Config["linux"]!["cgroupsPath"] = path;
        return this;
    }

    public Bundle With(string dottedPath, JsonNode? value)
    {
        var parts = dottedPath.Split('.');
        JsonNode node = Config;
        foreach (var p in parts[..^1]) node = node[p] ??= new JsonObject();
        node.AsObject()[parts[^1]] = value;
        return this;
    }

    public Bundle Without(string dottedPath)
    {
        var parts = dottedPath.Split('.');
        JsonNode? node = Config;
        foreach (var p in parts[..^1]) node = node?[p];
        node?.AsObject().Remove(parts[^1]);
        return this;
    }

    public Bundle AddNamespace(string type, string? path = null)
    {
        var ns = new JsonObject { ["type"] = type };
        if (path != null) ns["path"] = path;
        Config["linux"]!["namespaces"]!.AsArray().Add(ns);
        return this;
    }

    /// <summary>Host directory bind-mounted read-write at /out in the container.</summary>
    public string OutDir => Path.Combine(Dir, "out");

    public Bundle WithOutDir()
    {
        Directory.CreateDirectory(OutDir);
        Directory.CreateDirectory(Path.Combine(Rootfs, "out"));
        Config["mounts"]!.AsArray().Add(JsonNode.Parse($$"""{ "destination": "/out", "type": "bind", "source": "{{OutDir}}", "options": ["rbind", "rw"] }"""));
        return this;
    }

    /// <summary>Text a container wrote to /out/name, or null if it does not exist (yet).</summary>
    public string? Out(string name) => File.Exists(Path.Combine(OutDir, name)) ? File.ReadAllText(Path.Combine(OutDir, name)) : null;

    /// <summary>Waits (bounded) for the container to write /out/name.</summary>
    public string WaitForOut(string name)
    {
        for (var i = 0; i < 1000; i++)
        {
            var s = Out(name);
            if (!string.IsNullOrEmpty(s) && s.EndsWith('\n')) return s;
            Thread.Sleep(10);
        }
        throw new Xunit.Sdk.XunitException($"the container never wrote /out/{name}");
    }

    public Bundle Write()
    {
        File.WriteAllText(Path.Combine(Dir, "config.json"), Config.ToJsonString(new() { WriteIndented = true }));
        return this;
    }

    public void Dispose()
    {
        HostCgroups.RemoveTree(CgroupParent);
        HostMounts.UnmountBelow(Dir);
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // runc 1.1.5's `runc spec`, with terminal off.
    private const string DefaultConfig = """
    {
      "ociVersion": "1.0.2-dev",
      "process": {
        "terminal": false,
        "user": { "uid": 0, "gid": 0 },
        "args": [ "sh" ],
        "env": [ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm" ],
        "cwd": "/",
        "capabilities": {
          "bounding": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
          "effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
          "permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
          "ambient": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
        },
        "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
        "noNewPrivileges": true
      },
      "root": { "path": "rootfs", "readonly": true },
      "hostname": "runc",
      "mounts": [
        { "destination": "/proc", "type": "proc", "source": "proc" },
        { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
        { "destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
        { "destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
        { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": [ "nosuid", "noexec", "nodev" ] },
        { "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": [ "nosuid", "noexec", "nodev", "ro" ] },
        { "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": [ "nosuid", "noexec", "nodev", "relatime", "ro" ] }
      ],
      "linux": {
        "resources": { "devices": [ { "allow": false, "access": "rwm" } ] },
        "namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" } ],
        "maskedPaths": [ "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
          "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi" ],
        "readonlyPaths": [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
      }
    }
    """;
}
