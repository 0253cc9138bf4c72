using System.Text;

namespace CircuitFinder.Core;

/// <summary>
/// The one way files are opened for reading: only regular files (following links), so a FIFO, a device such as
/// <c>/dev/zero</c>, a folder or a symbolic-link loop is a <see cref="BadInputException"/> naming the path instead of a
/// hang or an endless read; text and JSON files are also refused above a size their format makes absurd.
/// </summary>
public static class InputFile
{
    /// <summary>Limit for small JSON files: <c>config.json</c>, output markers.</summary>
    public const long ConfigLimit = 16L << 20;

    /// <summary>Limit for data text files: vocabularies, <c>tokenizer.json</c>, merges, task, circuit, hypothesis, checkpoint and shard files.</summary>
    public const long DataLimit = 1L << 30;

    /// <summary>
    /// Checks that <paramref name="path"/> names a regular file (after following links) and returns its size; a missing
    /// path, a folder, a FIFO or device, a link loop or an unreadable path is a <see cref="BadInputException"/>.
    /// </summary>
    public static long Check(string path, long? limit = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var status = FileStatus.Of(path);
        string problem = status.Kind switch
        {
            FileStatusKind.File when limit is { } max && status.Size > max => $"{status.Size} bytes, more than the {max} bytes a file of this kind may have",
            FileStatusKind.File => string.Empty,
            FileStatusKind.Missing => "file not found",
            FileStatusKind.Folder => "is a folder, expected a file",
            FileStatusKind.Special => "not a regular file (a FIFO, device or socket); only regular files are read",
            FileStatusKind.LinkLoop => "symbolic link loop (too many levels of links)",
            FileStatusKind.Denied => "permission denied",
            _ => $"cannot be read (error {status.Error})",
        };
        return problem.Length == 0 ? status.Size : throw new BadInputException($"{path}: {problem}");
    }

    /// <summary>Whether <paramref name="path"/> names a regular file (after following links); never throws, never blocks.</summary>
    public static bool IsRegularFile(string path) => FileStatus.Of(path).Kind == FileStatusKind.File;

    /// <summary>Opens a regular file for reading (<see cref="Check"/> first); failures to open are bad input naming the path.</summary>
    public static FileStream OpenRead(string path, long? limit = null)
    {
        Check(path, limit);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: cannot be read ({e.Message})", e);
        }
    }

    /// <summary>The bytes of a regular file of at most <paramref name="limit"/> bytes (also when its size was misreported).</summary>
    public static byte[] ReadAllBytes(string path, long limit = DataLimit)
    {
        using var file = OpenRead(path, limit);
        using var bytes = new MemoryStream();
        var buffer = new byte[81920];
        try
        {
            for (int read; (read = file.Read(buffer, 0, buffer.Length)) > 0;)
            {
                if (bytes.Length + read > limit)
                {
                    throw new BadInputException($"{path}: more than the {limit} bytes a file of this kind may have");
                }

                bytes.Write(buffer, 0, read);
            }
        }
        catch (IOException e)
        {
            throw new BadInputException($"{path}: cannot be read ({e.Message})", e);
        }

        return bytes.ToArray();
    }

    /// <summary>The text of a regular file (UTF-8 unless a byte-order mark says otherwise), at most <paramref name="limit"/> bytes.</summary>
    public static string ReadAllText(string path, long limit = DataLimit)
    {
        using var reader = new StreamReader(new MemoryStream(ReadAllBytes(path, limit)), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>The lines of a regular text file of at most <paramref name="limit"/> bytes (as <see cref="File.ReadAllLines(string)"/> splits them).</summary>
    public static string[] ReadAllLines(string path, long limit = DataLimit)
    {
        using var reader = new StringReader(ReadAllText(path, limit));
        var lines = new List<string>();
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            lines.Add(line);
        }

        return [.. lines];
    }
}
