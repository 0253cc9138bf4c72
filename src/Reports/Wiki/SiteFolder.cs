
namespace CircuitFinder.Reports.Wiki;

/// <summary>
/// Writes a folder of files atomically: everything goes into a temporary sibling folder, which then replaces
/// <c>folder</c> (an existing one is moved aside first and removed after), so readers never see half a site.
/// </summary>
public static class SiteFolder
{
    public static void Write(string folder, IReadOnlyDictionary<string, byte[]> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        string target = Path.GetFullPath(folder);
        string parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(target))!;
        Directory.CreateDirectory(parent);
        string temporary = Path.Combine(parent, $".{Path.GetFileName(Path.TrimEndingDirectorySeparator(target))}.{Guid.NewGuid():N}.tmp");
        try
        {
            foreach (var (path, bytes) in files)
            {
                string file = Path.Combine(temporary, path);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllBytes(file, bytes);
            }

            string? old = null;
            if (Directory.Exists(target))
            {
                old = temporary + ".old";
                Directory.Move(target, old);
            }

            Directory.Move(temporary, target);
            if (old is not null)
            {
                Directory.Delete(old, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }

            throw new BadInputException($"--out {folder}: cannot write the site there ({e.Message})", e);
        }
    }
}
