using System.CommandLine;
using CircuitFinder.Cli;

return CircuitFinderCli.Run(args, Console.Out, Console.Error);
