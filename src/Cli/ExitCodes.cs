namespace CircuitFinder.Cli;

/// <summary>The command's exit codes.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int InternalError = 1;
    public const int BadInput = 2;
}
