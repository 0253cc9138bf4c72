namespace CircuitFinder.Tests;

/// <summary>Paths of the reference fixtures copied into tests/Fixtures (from ../shared/fixtures; see its README).</summary>
public static class FixturePaths
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "models");

    public static string Model(string name) => Path.Combine(Root, name);

    /// <summary>Copies a fixture model folder into a fresh temporary folder that the caller may modify.</summary>
    public static TemporaryFolder CopyModel(string name)
    {
        var temp = new TemporaryFolder();
        foreach (var file in Directory.EnumerateFiles(Model(name)))
        {
            File.Copy(file, Path.Combine(temp.Path, System.IO.Path.GetFileName(file)));
        }

        return temp;
    }
}
