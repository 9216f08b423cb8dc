using Berth.Runtime.Tests.Support;

namespace Berth.Runtime.Tests.Containers;

/// <summary>
/// berth-runtime keeps its state as privately as runc does: a container's state.json holds its whole spec, the
/// environment (and so its secrets) included, and container ids are visible to everyone in `ps`.
/// </summary>
public sealed class StateModeSpecs : IDisposable
{
    private readonly OciRuntime _runc = OciRuntime.Runc();
    private readonly OciRuntime _berth = OciRuntime.Berth();
    private readonly Bundle _bundle = Bundle.Busybox();

    public void Dispose()
    {
        _runc.Dispose();
        _berth.Dispose();
        _bundle.Dispose();
    }

    [Fact]
    public void The_state_root_the_container_dir_and_state_json_have_runcs_modes()
    {
        _bundle.WithScript("sleep 30").Write();
        var modes = new[] { _runc, _berth }.Select(rt =>
        {
            var id = rt.NewId();
            rt.Exec("create", "--bundle", _bundle.Dir, id).ShouldSucceed();
            return string.Join(' ', new[] { rt.Root, Path.Combine(rt.Root, id), Path.Combine(rt.Root, id, "state.json") }
                .Select(p => Convert.ToString((int)File.GetUnixFileMode(p), 8)));
        }).ToArray();
        Assert.Equal("700 711 600", modes[0]);   // runc's
        Assert.Equal(modes[0], modes[1]);
    }
}
