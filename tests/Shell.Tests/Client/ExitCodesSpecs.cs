using Berth.Shell.Client;

namespace Berth.Shell.Tests.Client;

public sealed class ExitCodesSpecs
{
    [Theory]
    [InlineData("OCI runtime create failed: exec: \"nosuch\": executable file not found in $PATH: unknown", 127)]
    [InlineData("exec: \"/bin/x\": stat /bin/x: no such file or directory", 127)]
    [InlineData("exec: \"/etc\": permission denied", 126)]
    [InlineData("exec: \"/etc\": is a directory", 126)]
    [InlineData("driver failed programming external connectivity: port is already allocated", 125)]
    public void Start_failures_map_to_dockers_exit_codes(string message, int code) =>
        Assert.Equal(code, ExitCodes.ForStartFailure(message));
}
