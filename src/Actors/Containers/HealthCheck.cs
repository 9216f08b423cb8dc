using Berth.Actors.Protocol;

namespace Berth.Actors.Containers;

/// <summary>
/// A container's effective HEALTHCHECK with docker's defaults applied: the probe's argv (CMD or CMD-SHELL), how often,
/// how long one probe may take, the start period, and how many failures in a row make it unhealthy.
/// </summary>
public sealed record HealthCheck(IReadOnlyList<string> Probe, TimeSpan Interval, TimeSpan Timeout, TimeSpan StartPeriod, int Retries)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public const int DefaultRetries = 3;

    /// <summary>The check a container runs, or null (none configured, or "NONE").</summary>
    public static HealthCheck? Of(ContainerSpec spec)
    {
        var h = spec.Health;
        if (h?.Test is not { Count: > 0 } test) return null;
        IReadOnlyList<string> probe;
        switch (test[0])
        {
            case "NONE": return null;
            case "CMD" when test.Count > 1: probe = test.Skip(1).ToList(); break;
            case "CMD-SHELL" when test.Count > 1:
                probe = [.. spec.Process.Shell is { Count: > 0 } shell ? shell : ["/bin/sh", "-c"], test[1]];
                break;
            default: return null;
        }
        return new HealthCheck(probe, OrDefault(h.Interval, DefaultInterval), OrDefault(h.Timeout, DefaultTimeout),
            OrDefault(h.StartPeriod, TimeSpan.Zero), h.Retries > 0 ? h.Retries : DefaultRetries);
    }

    /// <summary>An image's (or docker's) HEALTHCHECK with its nanoseconds as durations; below one tick but not zero stays not zero.</summary>
    public static HealthSettings? Settings(HealthConfig? h) => h == null ? null : new HealthSettings
    {
        Test = h.Test,
        Interval = Duration(h.Interval),
        Timeout = Duration(h.Timeout),
        StartPeriod = Duration(h.StartPeriod),
        Retries = h.Retries,
    };

    /// <summary>The nanoseconds docker's shapes carry for a duration.</summary>
    public static long Nanoseconds(TimeSpan t) => t.Ticks * 100;

    private static TimeSpan Duration(long nanoseconds) =>
        nanoseconds == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(nanoseconds / 100 is 0 ? Math.Sign(nanoseconds) : nanoseconds / 100);

    /// <summary>docker's merge of the image's HEALTHCHECK under the request's: what the request leaves out comes from the image.</summary>
    public static HealthSettings? Merge(HealthSettings? request, HealthSettings? image)
    {
        if (request == null) return image;
        if (image == null) return request;
        return request with
        {
            Test = request.Test is { Count: > 0 } ? request.Test : image.Test,
            Interval = request.Interval != TimeSpan.Zero ? request.Interval : image.Interval,
            Timeout = request.Timeout != TimeSpan.Zero ? request.Timeout : image.Timeout,
            StartPeriod = request.StartPeriod != TimeSpan.Zero ? request.StartPeriod : image.StartPeriod,
            Retries = request.Retries != 0 ? request.Retries : image.Retries,
        };
    }

    /// <summary>docker's refusal (400) of a Healthcheck at create, or null when it is valid.</summary>
    public static string? Validate(HealthSettings? h)
    {
        if (h == null) return null;
        var minimum = TimeSpan.FromMilliseconds(1);
        if (h.Interval != TimeSpan.Zero && h.Interval < minimum) return "Interval in Healthcheck cannot be less than 1ms";
        if (h.Timeout != TimeSpan.Zero && h.Timeout < minimum) return "Timeout in Healthcheck cannot be less than 1ms";
        if (h.StartPeriod != TimeSpan.Zero && h.StartPeriod < minimum) return "StartPeriod in Healthcheck cannot be less than 1ms";
        if (h.Retries < 0) return "Retries in Healthcheck cannot be negative";
        if (h.Test is { Count: > 0 } t && t[0] is not ("NONE" or "CMD" or "CMD-SHELL"))
            return $"unknown Healthcheck Test type: {t[0]} (use NONE, CMD or CMD-SHELL)";
        return null;
    }

    private static TimeSpan OrDefault(TimeSpan value, TimeSpan fallback) => value > TimeSpan.Zero ? value : fallback;
}

/// <summary>What berthd does when a container turns unhealthy (what Docker never shipped, moby issue 28400).</summary>
public enum HealthOnFailure { None, Restart, Kill, Stop }

/// <summary>Reads the health-on-failure action from the container's label <c>berth.health-on-failure</c>.</summary>
public static class HealthOnFailureLabel
{
    public const string Name = "berth.health-on-failure";

    public static HealthOnFailure Of(ContainerSpec spec) =>
        spec.Labels?.TryGetValue(Name, out var v) == true && Parse(v) is { } a ? a : HealthOnFailure.None;

    public static HealthOnFailure? Parse(string value) => value switch
    {
        "" or "none" => HealthOnFailure.None,
        "restart" => HealthOnFailure.Restart,
        "kill" => HealthOnFailure.Kill,
        "stop" => HealthOnFailure.Stop,
        _ => null,
    };

    /// <summary>The 400 for a label value berthd does not know, or null.</summary>
    public static string? Validate(ContainerSpec spec) =>
        spec.Labels?.TryGetValue(Name, out var v) == true && Parse(v) == null
            ? $"invalid {Name} \"{v}\": use one of restart, kill, stop or none"
            : null;
}
