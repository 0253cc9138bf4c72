using CircuitFinder.Model;

namespace CircuitFinder.Cli;

/// <summary>
/// Runs a command body and turns failures into exit codes: bad input → a one-line message and 2;
/// anything else → an internal-error line and 1. Stack traces only with <c>--verbose</c>. Messages carry ids, task strings
/// and paths from the user's files, so control characters in them (ESC among them) are escaped (<see cref="TerminalText"/>).
/// </summary>
public static class CommandRunner
{
    public static int Execute(Func<int> body, bool verbose, TextWriter error)
    {
        try
        {
            return body();
        }
        catch (BadInputException e)
        {
            error.WriteLine($"error: {OneLine(e.Message)}");
            if (verbose)
            {
                error.WriteLine(TerminalText.Lines(e.ToString()));
            }

            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"internal error: {OneLine(e.Message)}");
            error.WriteLine(verbose ? TerminalText.Lines(e.ToString()) : "(run with --verbose for the stack trace)");
            return ExitCodes.InternalError;
        }
    }

    private static string OneLine(string message) => TerminalText.OneLine(message);
}
