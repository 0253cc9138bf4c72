namespace CircuitFinder.Core;

/// <summary>
/// Writes files atomically: the content goes to a temporary file in the same folder, which is flushed and then
/// renamed over the target, so readers see the old file or the whole new one, and a failure leaves no partial file.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes through <paramref name="write"/> into a temporary file, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<FileStream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, TemporaryName(Path.GetFileName(full)));
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the original failure matters more than a leftover we could not remove
            }

            throw;
        }
    }

    /// <summary>The name of a temporary file for <paramref name="fileName"/>: <c>.NAME.GUID.tmp</c> in the same folder.</summary>
    public static string TemporaryName(string fileName) => $".{fileName}.{Guid.NewGuid():N}.tmp";

    /// <summary>Whether <paramref name="name"/> is a temporary file <see cref="Write"/> makes for <paramref name="fileName"/>.</summary>
    public static bool IsTemporaryOf(string name, string fileName)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(fileName);
        string prefix = "." + fileName + ".";
        return name.Length == prefix.Length + 32 + 4 && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".tmp", StringComparison.Ordinal)
            && name.Substring(prefix.Length, 32).All(char.IsAsciiHexDigitLower);
    }

    /// <summary>
    /// Deletes the temporary files a killed <see cref="Write"/> of <paramref name="path"/> left behind (a process killed between
    /// creating and renaming its temporary file cannot remove it itself).
    /// </summary>
    public static void DeleteLeftovers(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            return;
        }

        string name = Path.GetFileName(full);
        foreach (var leftover in Directory.EnumerateFiles(folder, $".{name}.*.tmp").Where(f => IsTemporaryOf(Path.GetFileName(f), name)))
        {
            File.Delete(leftover);
        }
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, file => file.Write(new System.Text.UTF8Encoding(false).GetBytes(text)));
}
