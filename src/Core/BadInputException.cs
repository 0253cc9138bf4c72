namespace CircuitFinder.Core;

/// <summary>
/// Input the user gave us is wrong: a missing or truncated file, a wrong shape, an unknown name.
/// The message names the file, key, field or shape; the CLI prints it on one line and exits with code 2.
/// </summary>
public sealed class BadInputException : Exception
{
    public BadInputException(string message)
        : base(message)
    {
    }

    public BadInputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
