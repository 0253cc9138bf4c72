using System.CommandLine;
using CircuitFinder.Cli;

NativeHeap.Tune();
return CircuitFinderCli.Run(args, Console.Out, Console.Error);
