using Berth.Shell.Client;

namespace Berth.Shell.Cli;

/// <summary>What a verb needs: the resolved daemon and an Engine API client for it.</summary>
public static class Session
{
    public static EngineClient Connect(GlobalOptions g) =>
        new(DaemonHost.Resolve(g.Host, new TlsFlags(g.Tls, g.TlsVerify ? true : null, g.TlsCaCert, g.TlsCert, g.TlsKey)));
}
