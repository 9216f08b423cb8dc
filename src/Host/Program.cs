using Berth.Host;
using Berth.Host.Configuration;

return await Daemon.Run(args);
