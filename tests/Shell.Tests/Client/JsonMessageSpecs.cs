using System.Diagnostics;
using System.Text;
using Berth.Shell.Client;
using Berth.Shell.Tests.Formatting;
using Berth.TestSupport;

namespace Berth.Shell.Tests.Client;

/// <summary>Progress streams: parsing, and rendering compared byte for byte with `docker pull` on the same stream.</summary>
public sealed class JsonMessageSpecs : IAsyncLifetime
{
    private const string Image = "127.0.0.1:5000/bb2:1";

    private static readonly string PullStream = string.Concat(new[]
    {
        """{"status":"Pulling from bb2","id":"1"}""",
        """{"status":"Already exists","progressDetail":{},"id":"6a33df078917"}""",
        """{"status":"Pulling fs layer","progressDetail":{},"id":"8649fa51ce1d"}""",
        """{"status":"Pulling fs layer","progressDetail":{},"id":"1dbe64e1a528"}""",
        """{"status":"Downloading","progressDetail":{"current":32768,"total":3073125},"progress":"[\u003e      ]  32.77kB/3.073MB","id":"8649fa51ce1d"}""",
        """{"status":"Downloading","progressDetail":{"current":1048576,"total":2000000},"progress":"[=====\u003e   ]  1.049MB/2MB","id":"1dbe64e1a528"}""",
        """{"status":"Verifying Checksum","progressDetail":{},"id":"8649fa51ce1d"}""",
        """{"status":"Download complete","progressDetail":{},"id":"8649fa51ce1d"}""",
        """{"status":"Extracting","progressDetail":{"current":1500000,"total":3073125},"progress":"[===\u003e ]  1.5MB/3.073MB","id":"8649fa51ce1d"}""",
        """{"status":"Pull complete","progressDetail":{},"id":"8649fa51ce1d"}""",
        """{"status":"Download complete","progressDetail":{},"id":"1dbe64e1a528"}""",
        """{"status":"Pull complete","progressDetail":{},"id":"1dbe64e1a528"}""",
        """{"status":"Digest: sha256:8242a7d6e1d8b42d8fd0c1d5c1f4e7d5b1a7a3bb1e9f1e8f5d7c1b2a3c4d5e6f"}""",
        $$"""{"status":"Status: Downloaded newer image for {{Image}}"}""",
    }.Select(line => line + "\r\n"));

    private readonly FakeEngineServer _server = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static async Task<List<JsonMessage>> ParseAsync(Stream s)
    {
        var list = new List<JsonMessage>();
        await foreach (var m in JsonMessage.ReadAllAsync(s)) list.Add(m);
        return list;
    }

    private static string Render(string stream, bool terminal, int width = 200)
    {
        var output = new StringWriter();
        var renderer = new JsonMessageRenderer(output, terminal, () => width);
        try
        {
            renderer.RenderAsync(JsonMessage.ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(stream)))).GetAwaiter().GetResult();
        }
        catch (JsonStreamError) { }
        return output.ToString();
    }

    [Fact]
    public async Task Crlf_lf_and_unseparated_messages_all_parse()
    {
        var text = "{\"status\":\"a\"}\r\n{\"stream\":\"b\\n\"}\n{\"aux\":{\"ID\":\"sha256:1\"}}{\"errorDetail\":{\"code\":3,\"message\":\"boom\"},\"error\":\"boom\"}";
        var messages = await ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(4, messages.Count);
        Assert.Equal("a", messages[0].Status);
        Assert.Equal("b\n", messages[1].Stream);
        Assert.Equal("sha256:1", messages[2].Aux!.Value.GetProperty("ID").GetString());
        Assert.Equal(new JsonErrorDetail(3, "boom"), messages[3].Error);
    }

    [Fact]
    public async Task Progress_detail_is_kept_even_when_empty()
    {
        var messages = await ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(PullStream)));
        Assert.Null(messages[0].Progress);
        Assert.Equal(new JsonProgress(0, 0, 0, null, false), messages[1].Progress);
        Assert.Equal(new JsonProgress(32768, 3073125, 0, null, false), messages[4].Progress);
        Assert.Equal("[>      ]  32.77kB/3.073MB", messages[4].ProgressMessage);
    }

    [Fact]
    public async Task Messages_split_at_any_byte_still_parse()
    {
        var bytes = Encoding.UTF8.GetBytes(PullStream);
        var pipe = new System.IO.Pipelines.Pipe();
        var writer = Task.Run(async () =>
        {
            foreach (var b in bytes) { await pipe.Writer.WriteAsync(new[] { b }); }
            await pipe.Writer.CompleteAsync();
        });
        var messages = await ParseAsync(pipe.Reader.AsStream());
        await writer;
        Assert.Equal(14, messages.Count);
        Assert.Equal($"Status: Downloaded newer image for {Image}", messages[^1].Status);
    }

    [Fact]
    public void The_progress_bar_has_fifty_cells_on_wide_terminals()
    {
        var renderer = new JsonMessageRenderer(TextWriter.Null, true, () => 120);
        Assert.Equal("[==========================>                        ]  1.049MB/2MB", renderer.ProgressText(new JsonProgress(1048576, 2000000, 0, null, false)));
        Assert.Equal(" 1.049MB/2MB", new JsonMessageRenderer(TextWriter.Null, true, () => 80).ProgressText(new JsonProgress(1048576, 2000000, 0, null, false)));
        Assert.Equal(" 32.77kB", renderer.ProgressText(new JsonProgress(32768, 0, 0, null, false)));
        var now = DateTimeOffset.FromUnixTimeSeconds(1_000_100);
        Assert.Equal("[=========================>                         ]    500kB/1MB 1m40s",
            renderer.ProgressText(new JsonProgress(500_000, 1_000_000, 1_000_000, null, false), now));
    }

    private async Task<DockerCli.Result> DockerPull(string stream)
    {
        _server.Map("POST", "/images/create", _ => new FakeResponse(200, stream));
        return await DockerCli.RunAsync(_server, "pull", Image);
    }

    [Fact]
    public async Task Off_a_terminal_the_output_matches_docker_pull()
    {
        var docker = await DockerPull(PullStream);
        Assert.True(docker.ExitCode == 0, docker.Stderr);
        Assert.Equal(docker.Stdout, Render(PullStream, terminal: false) + Image + "\n");
    }

    [Fact]
    public async Task On_a_terminal_lines_are_redrawn_in_place_exactly_like_docker_pull()
    {
        _server.Map("POST", "/images/create", _ => new FakeResponse(200, PullStream));
        // script(1) gives docker a pseudo-terminal 150 columns wide, without LF→CRLF output translation.
        var psi = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var config = Directory.CreateTempSubdirectory("berth-dockercfg-");
        try
        {
            psi.ArgumentList.Add("-qec");
            psi.ArgumentList.Add($"stty cols 150 rows 40 -onlcr; {DockerCli.Path} -H {_server.Address} pull {Image}");
            psi.ArgumentList.Add("/dev/null");
            psi.Environment["DOCKER_CONFIG"] = config.FullName;
            psi.Environment.Remove("DOCKER_HOST");
            using var p = Process.Start(psi)!;
            var stdout = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, stdout + await p.StandardError.ReadToEndAsync());
            Assert.Equal(stdout, Render(PullStream, terminal: true, width: 150) + Image + "\n");
        }
        finally { config.Delete(true); }
    }

    [Fact]
    public async Task An_error_detail_fails_like_docker_with_its_message()
    {
        var stream = """{"status":"The push refers to repository [x]"}""" + "\r\n" +
                     """{"errorDetail":{"message":"no basic auth credentials"},"error":"no basic auth credentials"}""" + "\r\n";
        var docker = await DockerPull(stream);

        var e = await Assert.ThrowsAsync<JsonStreamError>(() =>
            new JsonMessageRenderer(new StringWriter(), false).RenderAsync(JsonMessage.ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(stream)))));
        Assert.Equal(docker.ExitCode, e.ExitCode);
        Assert.Equal(docker.Stderr, e.Message + "\n");
        Assert.Equal(docker.Stdout, Render(stream, terminal: false));
    }

    [Fact]
    public async Task Only_error_detail_counts_a_bare_error_string_is_ignored()
    {
        var stream = """{"stream":"Step 1/1 : FROM x\n"}""" + "\r\n" + """{"error":"ignored by docker"}""" + "\r\n";
        await new JsonMessageRenderer(new StringWriter(), false).RenderAsync(JsonMessage.ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(stream))));
    }

    [Fact]
    public async Task Build_streams_print_verbatim_and_aux_goes_to_the_callback()
    {
        var stream = """{"stream":"Step 1/3 : FROM busybox:local"}""" + "\r\n" + """{"stream":"\n"}""" + "\r\n" +
                     """{"aux":{"ID":"sha256:60dfc8c1"}}""" + "\r\n" + """{"stream":"Successfully built 60dfc8c121a7\n"}""" + "\r\n";
        var output = new StringWriter();
        string? id = null;
        await new JsonMessageRenderer(output, false).RenderAsync(JsonMessage.ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(stream))),
            m => id = m.Aux!.Value.GetProperty("ID").GetString());
        Assert.Equal("Step 1/3 : FROM busybox:local\nSuccessfully built 60dfc8c121a7\n", output.ToString());
        Assert.Equal("sha256:60dfc8c1", id);
    }
}
