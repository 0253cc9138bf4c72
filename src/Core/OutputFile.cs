namespace CircuitFinder.Core;

/// <summary>
/// Checks an output file (<c>--out FILE</c>, or the file <c>verify --merge</c> rewrites) before any work: it must not be a
/// folder, a FIFO, device or socket, or one of the command's inputs, and its folder must be writable (as must the file,
/// where it exists). Otherwise a <see cref="BadInputException"/> names the option and the path. Nothing is left behind.
/// The file itself is later written with <see cref="AtomicFile"/>.
/// </summary>
public static class OutputFile
{
    public static void Check(string path, IEnumerable<string?>? inputs = null, string option = "--out")
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new BadInputException($"{option}: no file given");
        }

        var status = FileStatus.Of(path);
        string problem = status.Kind switch
        {
            FileStatusKind.Folder => "is a folder, expected a file",
            FileStatusKind.Special => "is a FIFO, device or socket, expected a regular file",
            FileStatusKind.LinkLoop => "symbolic link loop (too many levels of links)",
            FileStatusKind.Denied => "permission denied",
            FileStatusKind.Unreadable => $"cannot be read (error {status.Error})",
            _ => string.Empty,
        };
        if (problem.Length > 0)
        {
            throw new BadInputException($"{option} {path}: {problem}");
        }

        string real = RealPath.Of(path);
        var same = (inputs ?? []).FirstOrDefault(i => !string.IsNullOrEmpty(i) && !i.StartsWith("zoo:", StringComparison.Ordinal) && File.Exists(i) && RealPath.Of(i) == real);
        if (same is not null)
        {
            throw new BadInputException($"{option} {path}: is the input {same}; writing it would replace it, choose another file");
        }

        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        var created = new List<string>();
        try
        {
            for (var dir = new DirectoryInfo(folder); dir is not null && !dir.Exists; dir = dir.Parent)
            {
                created.Add(dir.FullName);
            }

            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, AtomicFile.TemporaryName(Path.GetFileName(full)));
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write))
            {
            }

            File.Delete(probe);
            if (status.Kind == FileStatusKind.File)
            {
                using var existing = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new BadInputException($"{option} {path}: cannot write there ({e.Message})", e);
        }
        finally
        {
            foreach (var dir in created.Where(Directory.Exists))
            {
                if (!Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    Directory.Delete(dir);
                }
            }
        }
    }
}
