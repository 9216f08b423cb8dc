using Berth.Actors;
using Berth.Host.Api;
using Berth.Host.Configuration;
using Berth.Host.Facts;
using Berth.Host.Hosting;
using Berth.Host.Persistence;
using Berth.Runtime.Native;
using Microsoft.Extensions.Logging.Console;

namespace Berth.Host;

/// <summary>berthd's start and stop: options, directories, pid file, actor system, Engine API listeners.</summary>
public static class Daemon
{
    public static async Task<int> Run(string[] args)
    {
        // Before berthd creates anything: nothing of its own is ever open to other users, not even for a moment.
        // What must be wider gets its mode explicitly; OCI runtimes get dockerd's 0022 (see Umask).
        Umask.Set(Umask.Private);
        DaemonOptions options;
        try
        {
            var parsed = DaemonArguments.Parse(args);
            if (parsed.Help) { Console.WriteLine(DaemonArguments.Usage); return 0; }
            if (parsed.Version) { Console.WriteLine($"berthd version {BerthVersion.Version}, build {BerthVersion.GitCommit}"); return 0; }
            options = DaemonConfiguration.Build(parsed);
        }
        catch (ConfigurationException e)
        {
            Console.Error.WriteLine($"berthd: {e.Message}");
            return 1;
        }

        PidFile? pid = null;
        try
        {
            PrivateRoots.Prepare(options);
            if (options.PidFile != null) pid = PidFile.Acquire(options.PidFile);
            StoreCheck.Verify(options);
            StorePreparation.Prepare(options);
            var migrated = await StoreMigration.Run(options.Persistence.Provider, JournalPlugins.ConnectionString(options.Persistence, options.DefaultDatabasePath));
            var app = Build(options, args);
            if (migrated > 0)
                app.Services.GetRequiredService<ILogger<DaemonOptions>>().LogInformation(
                    "migrated {Events} events of the berthd 0.1.0 journal to Akka.Persistence.Sql's tables (the old tables are kept as *_0_1_0)", migrated);
            Listeners.WarnAboutPlainTcp(options, app.Services.GetRequiredService<ILogger<DaemonOptions>>());
            await app.StartAsync();
            Listeners.SecureUnixSockets(options);
            app.Services.GetRequiredService<ILogger<DaemonOptions>>().LogInformation(
                "berthd {Version} listening on {Hosts}, data root {DataRoot}, persistence {Provider}",
                BerthVersion.Version, string.Join(", ", options.Hosts), options.DataRoot, options.Persistence.Provider);
            await app.WaitForShutdownAsync();
            await app.DisposeAsync();
            return 0;
        }
        catch (Exception e) when (e is ConfigurationException or StoreRefusedException)
        {
            Console.Error.WriteLine($"berthd: {e.Message}");
            return 1;
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine($"berthd: cannot listen: {e.Message}");
            return 1;
        }
        finally
        {
            pid?.Dispose();
        }
    }

    public static WebApplication Build(DaemonOptions options, string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        builder.Logging.SetMinimumLevel(options.LogLevel switch
        {
            "debug" => LogLevel.Debug, "info" => LogLevel.Information, "warn" => LogLevel.Warning,
            "error" => LogLevel.Error, _ => LogLevel.Critical,
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(k => Listeners.Configure(k, options));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(HostFacts.Read());
        builder.Services.AddSingleton(new RuntimeCatalog(options));
        builder.Services.AddSingleton(DaemonIdentity.LoadOrCreate(options));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.Services.AddSingleton<IInfoContributor, ImagesInfo>();
        builder.Services.AddSingleton<IInfoContributor, ContainersInfo>();
        builder.Services.AddBerthActors(options);
        var trimmer = IdleMemoryTrimmer.ForDaemon();
        builder.Services.AddHostedService(_ => trimmer);

        var app = builder.Build();
        app.Use(async (ctx, next) =>
        {
            trimmer.Touch();
            try { await next(ctx); }
            finally { trimmer.Touch(); }
        });
        app.UseMiddleware<EngineApiMiddleware>();
        app.UseRouting();
        app.UseMiddleware<EndpointRules>();
        SystemEndpoints.Map(app);
        EventEndpoints.Map(app);
        ImageEndpoints.Map(app);
        ContainerEndpoints.Map(app);
        DiskUsageEndpoints.Map(app);
        return app;
    }
}
