namespace CircuitFinder.Model.Loading;

/// <summary>Finding weight files in a model folder.</summary>
internal static class WeightFiles
{
    public static readonly string[] Extensions = [".safetensors", ".pth", ".pt", ".bin", ".ckpt"];

    /// <summary>The first of <paramref name="names"/> that exists in <paramref name="folder"/>, as a full path.</summary>
    public static string? FindFirst(string folder, params string[] names) =>
        names.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);

    /// <summary>Every file in the folder with a weights extension, sorted by name.</summary>
    public static IReadOnlyList<string> All(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
}
