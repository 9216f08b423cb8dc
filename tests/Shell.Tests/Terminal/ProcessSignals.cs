namespace Berth.Shell.Tests.Terminal;

/// <summary>The xunit collection of tests that send signals to the test process itself.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessSignals
{
    public const string Name = "process signals";
}
