namespace Berth.Runtime.Plan;

/// <summary>
/// Where the runtime's fds sit in the init: right above the caller's preserved fds
/// (3 .. 3+preserve-1), so everything from Base up can be closed before exec.
/// </summary>
public readonly record struct FdLayout(int PreserveFds)
{
    public int Base => 3 + PreserveFds;
    public int Sync => Base;
    public int Plan => Base + 1;
    public int ConsoleSocket => Base + 2;
    public int ExecFifo => Base + 3;
}
