using Berth.Actors.Protocol;
using Berth.Runtime.Containers;

namespace Berth.Actors.Containers;

/// <summary>docker's checks of a create request's process settings (daemon/container.go validateContainerConfig), with its 400 messages.</summary>
public static class ConfigValidation
{
    public static string? Refusal(ContainerSpec c)
    {
        // dockerd would create a container without an image (its builder does); berthd has nothing to run it from.
        if (c.Image.Length == 0) return "No image specified: a container is created from an image";
        if (c.Process.WorkingDir.Length > 0 && !c.Process.WorkingDir.StartsWith('/'))
            return $"the working directory '{c.Process.WorkingDir}' is invalid, it needs to be an absolute path";
        if (c.StopSignal is { Length: > 0 } signal && !IsSignal(signal)) return $"Invalid signal: {signal}";
        // opts.ValidateEnv: "NAME=value" or "NAME"; the name is never empty.
        foreach (var e in c.Process.Env ?? [])
            if (e.Split('=', 2)[0].Length == 0) return $"invalid environment variable: {e}";
        return null;
    }

    private static bool IsSignal(string s)
    {
        try { return Signals.Parse(s) > 0; }
        catch (RuntimeError) { return false; }
    }
}
