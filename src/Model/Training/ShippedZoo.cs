namespace CircuitFinder.Model.Training;

/// <summary>
/// Finds the toy models shipped in the repository's <c>zoo/</c> folder: beside the assemblies (copied by the build
/// as <c>zoo/NAME</c>), else by walking up from there or from the working folder to the repository root.
/// </summary>
public static class ShippedZoo
{
    public static string Folder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var starts = new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() };
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "zoo", name);
                if (File.Exists(Path.Combine(candidate, "config.json")))
                {
                    return candidate;
                }
            }
        }

        throw new BadInputException($"shipped zoo model '{name}' not found (looked for zoo/{name}/config.json beside {AppContext.BaseDirectory} and above it)");
    }
}
