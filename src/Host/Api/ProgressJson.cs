using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;

namespace Berth.Host.Api;

/// <summary>
/// docker's JSON progress stream (pull, push, load, import, build): one object per line ending in CRLF, flushed as it
/// happens; a failure after the headers went out is an {"errorDetail"} line inside the 200.
/// </summary>
public sealed class ProgressJson(HttpContext ctx)
{
    private bool _started;

    public async Task Start()
    {
        if (_started) return;
        _started = true;
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = ApiJson.ContentType;
        await ctx.Response.StartAsync(ctx.RequestAborted);
    }

    public bool Started => _started;

    public async Task Write(object message)
    {
        await Start();
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), ApiJson.Options);
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
        await ctx.Response.Body.WriteAsync("\r\n"u8.ToArray(), ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    public Task Status(string status) => Write(new { status });

    public Task Stream(string text) => Write(new { stream = text });

    public Task Error(string message) => Write(new { errorDetail = new { message }, error = message });

    /// <summary>A "Loading layer"-style line with docker's bar: [==>   ]  32.77kB/3.074MB.</summary>
    public Task Progress(string id, string status, long current, long total) =>
        Write(new { status, progressDetail = new { current, total }, progress = Bar(current, total), id });

    public static string Bar(long current, long total)
    {
        const int width = 50;
        if (total <= 0) return $"{HumanSize(current)}";
        var filled = (int)Math.Min(width, current * width / total);
        var bar = filled >= width ? new string('=', width) : new string('=', filled) + ">" + new string(' ', width - filled - 1);
        return $"[{bar}] {HumanSize(current),8}/{HumanSize(total)}";
    }

    /// <summary>go-units HumanSize: decimal units, four significant digits ("32.77kB", "3.074MB").</summary>
    public static string HumanSize(double size)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
        var i = 0;
        while (size >= 1000 && i < units.Length - 1) { size /= 1000; i++; }
        return FormatG4(size) + units[i];
    }

    private static string FormatG4(double v)
    {
        // Go's %.4g: four significant digits, no trailing zeros.
        if (v == 0) return "0";
        var digits = (int)Math.Floor(Math.Log10(Math.Abs(v))) + 1;
        var decimals = Math.Max(0, 4 - digits);
        return Math.Round(v, decimals).ToString("0." + new string('#', Math.Max(decimals, 1)), CultureInfo.InvariantCulture);
    }

    /// <summary>An IProgress that queues reports for the request thread to write (job threads must not write to the response).</summary>
    public sealed class Queue<T> : IProgress<T>
    {
        private readonly Channel<T> _channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
        public void Report(T value) => _channel.Writer.TryWrite(value);
        public ChannelReader<T> Reader => _channel.Reader;
        public void Complete() => _channel.Writer.TryComplete();
    }
}
