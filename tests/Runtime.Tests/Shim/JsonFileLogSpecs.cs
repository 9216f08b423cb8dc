using Xunit;
using System.Text;
using System.Text.Json.Nodes;
using Berth.Shim.Logging;
using Berth.Shim.Protocol;

namespace Berth.Runtime.Tests.Shim;

/// <summary>docker's json-file format as the shim writes it, without a container.</summary>
public sealed class JsonFileLogSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("berth-jsonlog-").FullName;
    private string LogPath => Path.Combine(_dir, "c.log");

    private JsonFileLog Log(LogRotation? rotation = null) =>
        new(LogPath, rotation ?? new LogRotation(null, 1), () => "2026-11-26T15:39:29.172933868Z");

    private List<JsonObject> Entries(string? path = null) =>
        File.ReadAllLines(path ?? LogPath).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    [Fact]
    public void Each_line_is_one_entry_in_dockers_exact_shape()
    {
        using (var log = Log())
            log.Write(AttachStream.Stdout, "out 1\nout 2\n"u8);

        Assert.Equal(
            ["{\"log\":\"out 1\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-26T15:39:29.172933868Z\"}",
             "{\"log\":\"out 2\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-26T15:39:29.172933868Z\"}"],
            File.ReadAllLines(LogPath));
    }

    [Fact]
    public void A_line_split_across_writes_becomes_one_entry()
    {
        using (var log = Log())
        {
            log.Write(AttachStream.Stderr, "hal"u8);
            log.Write(AttachStream.Stdout, "other\n"u8);
            log.Write(AttachStream.Stderr, "f\n"u8);
        }

        Assert.Equal(["other\n", "half\n"], Entries().Select(e => (string)e["log"]!));
        Assert.Equal(["stdout", "stderr"], Entries().Select(e => (string)e["stream"]!));
    }

    [Fact]
    public void A_line_longer_than_16_KiB_is_written_as_partial_entries()
    {
        var line = new string('x', JsonFileLog.PartialLimit * 2 + 10) + "\n";
        using (var log = Log())
            log.Write(AttachStream.Stdout, Encoding.ASCII.GetBytes(line));

        var logs = Entries().Select(e => (string)e["log"]!).ToList();
        Assert.Equal([JsonFileLog.PartialLimit, JsonFileLog.PartialLimit, 11], logs.Select(l => l.Length));
        Assert.Equal(line, string.Concat(logs));
    }

    [Fact]
    public void The_unfinished_last_line_is_written_when_the_stream_ends()
    {
        using (var log = Log())
        {
            log.Write(AttachStream.Stdout, "no newline"u8);
            Assert.Equal(0, new FileInfo(LogPath).Length);
            log.Complete(AttachStream.Stdout);
        }

        Assert.Equal("no newline", (string?)Assert.Single(Entries())["log"]);
    }

    [Fact]
    public void Invalid_utf8_is_replaced_and_control_characters_are_escaped()
    {
        using (var log = Log())
            log.Write(AttachStream.Stdout, [0xff, (byte)'a', 0x1b, (byte)'\r', (byte)'\n']);

        Assert.Equal("\ufffda\u001b\r\n", (string?)Assert.Single(Entries())["log"]);
        Assert.Contains("\\u001B\\r\\n", File.ReadAllText(LogPath), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Rotation_shifts_files_to_dot_1_and_dot_2_and_drops_the_oldest()
    {
        using (var log = Log(new LogRotation(100, 3)))
            for (var i = 0; i < 12; i++)
                log.Write(AttachStream.Stdout, Encoding.ASCII.GetBytes($"entry-{i:D2}\n"));

        // An entry is 78 bytes: a file reaches 100 bytes with its second entry and rotates before the third.
        Assert.Equal(["entry-06\n", "entry-07\n"], Entries(LogPath + ".2").Select(e => (string)e["log"]!));
        Assert.Equal(["entry-08\n", "entry-09\n"], Entries(LogPath + ".1").Select(e => (string)e["log"]!));
        Assert.Equal(["entry-10\n", "entry-11\n"], Entries().Select(e => (string)e["log"]!));
        Assert.False(File.Exists(LogPath + ".3"));
    }

    [Fact]
    public void With_max_file_1_the_log_is_truncated_instead_of_rotated()
    {
        using (var log = Log(new LogRotation(100, 1)))
            for (var i = 0; i < 3; i++)
                log.Write(AttachStream.Stdout, Encoding.ASCII.GetBytes($"entry-{i:D2}\n"));

        Assert.Equal(["entry-02\n"], Entries().Select(e => (string)e["log"]!));
        Assert.False(File.Exists(LogPath + ".1"));
    }

    [Theory]
    [InlineData("10m", 10L * 1024 * 1024)]
    [InlineData("512k", 512L * 1024)]
    [InlineData("1g", 1024L * 1024 * 1024)]
    [InlineData("2048", 2048L)]
    public void Max_size_uses_dockers_binary_units(string text, long bytes) =>
        Assert.Equal(bytes, LogRotation.ParseSize(text));

    [Fact]
    public void A_malformed_max_size_is_rejected_with_the_value_named()
    {
        var e = Assert.Throws<FormatException>(() => LogRotation.ParseSize("ten"));
        Assert.Contains("\"ten\"", e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
