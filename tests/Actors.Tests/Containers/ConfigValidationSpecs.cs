using Berth.Actors.Containers;
using Berth.Actors.Protocol;

namespace Berth.Actors.Tests.Containers;

/// <summary>A create request's process settings are checked as dockerd's validateContainerConfig checks it, with its messages.</summary>
public sealed class ConfigValidationSpecs
{
    private static readonly ContainerSpec Valid = new() { Image = "busybox", Process = new() { Command = ["true"] } };

    private static ContainerSpec With(ContainerProcess p) => Valid with { Process = p };

    [Fact]
    public void A_valid_config_passes()
    {
        Assert.Null(ConfigValidation.Refusal(With(new() { WorkingDir = "/srv", Env = ["A=1", "B", "C="] }) with { StopSignal = "SIGUSR1" }));
    }

    [Fact]
    public void An_image_is_required() =>
        Assert.Equal("No image specified: a container is created from an image", ConfigValidation.Refusal(Valid with { Image = "" }));

    [Fact]
    public void A_relative_working_dir_is_refused() =>
        Assert.Equal("the working directory 'srv' is invalid, it needs to be an absolute path", ConfigValidation.Refusal(With(new() { WorkingDir = "srv" })));

    [Theory]
    [InlineData("BOGUS")]
    [InlineData("0")]
    [InlineData("65")]
    public void An_unknown_stop_signal_is_refused(string signal) =>
        Assert.Equal($"Invalid signal: {signal}", ConfigValidation.Refusal(Valid with { StopSignal = signal }));

    [Theory]
    [InlineData("")]
    [InlineData("=x")]
    public void An_env_entry_without_a_name_is_refused(string entry) =>
        Assert.Equal($"invalid environment variable: {entry}", ConfigValidation.Refusal(With(new() { Env = ["A=1", entry] })));
}
