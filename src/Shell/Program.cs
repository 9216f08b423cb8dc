using Berth.Shell.Cli;

return await CommandLine.Run(args);
