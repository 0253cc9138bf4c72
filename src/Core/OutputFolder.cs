namespace CircuitFinder.Core;

/// <summary>
/// An output folder (<c>--out DIR</c>) claimed by one command, so that no command deletes a user's files:
/// <see cref="Claim"/> checks, before any work, that the folder is new, empty, or the same command's own earlier output
/// (its <see cref="MarkerName"/> marker names the command and lists every file in it), that it is neither a file nor
/// equal to, inside or around an input, and that it can be written. The files are written into a hidden sibling
/// folder (<see cref="Staging"/>) and <see cref="Commit"/> swaps that in, so readers see the old output or the whole
/// new one; of the old output only the files its marker lists are removed. Disposing without committing removes the
/// staging folder and whatever the claim created, so a run that fails leaves nothing behind.
/// </summary>
public sealed class OutputFolder : IDisposable
{
    /// <summary>The marker file: which command wrote the folder, and every file it wrote.</summary>
    public const string MarkerName = ".circuitfinder-output";

    private readonly string _parent;
    private readonly string _option;
    private readonly List<string> _createdParents = [];
    private string? _staging;
    private bool _committed;
    private bool _markedInPlace;
    private bool _createdTarget;
    private bool _markerExisted;

    private OutputFolder(string given, string full, string kind, string option)
    {
        Given = given;
        FullPath = full;
        Kind = kind;
        _option = option;
        _parent = System.IO.Path.GetDirectoryName(full)!;
    }

    /// <summary>The folder as the user gave it (for messages).</summary>
    public string Given { get; }

    /// <summary>The folder's absolute path.</summary>
    public string FullPath { get; }

    /// <summary>The command whose output the folder holds (<c>discover</c>, <c>wiki</c>, …), as its marker records it.</summary>
    public string Kind { get; }

    /// <summary>The hidden sibling folder the new output is written into (created on first use); <see cref="Commit"/> moves it into place.</summary>
    public string Staging
    {
        get
        {
            ObjectDisposedException.ThrowIf(_committed, this);
            if (_staging is null)
            {
                CreateParents();
                string staging = System.IO.Path.Combine(_parent, AtomicFile.TemporaryName(System.IO.Path.GetFileName(FullPath)));
                Wrap(() => Directory.CreateDirectory(staging));
                _staging = staging;
            }

            return _staging;
        }
    }

    /// <summary>
    /// Claims <paramref name="folder"/> for the command <paramref name="kind"/>, checking everything that can be checked before
    /// any work (see the type's summary); a <see cref="BadInputException"/> naming <paramref name="option"/> and the folder otherwise.
    /// <paramref name="inputs"/> are the files and folders the command reads (null, empty, <c>zoo:</c> and absent entries, such
    /// as built-in task names, are ignored).
    /// </summary>
    public static OutputFolder Claim(string folder, string kind, IEnumerable<string?>? inputs = null, string option = "--out")
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new BadInputException($"{option}: no folder given");
        }

        string full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(folder));
        if (System.IO.Path.GetDirectoryName(full) is null)
        {
            throw new BadInputException($"{option} {folder}: the root folder cannot be an output folder");
        }

        var status = FileStatus.Of(full);
        string problem = status.Kind switch
        {
            FileStatusKind.File => "is a file, expected a folder",
            FileStatusKind.Special => "is a FIFO, device or socket, expected a folder",
            FileStatusKind.LinkLoop => "symbolic link loop (too many levels of links)",
            FileStatusKind.Denied => "permission denied",
            FileStatusKind.Unreadable => $"cannot be read (error {status.Error})",
            _ => string.Empty,
        };
        if (problem.Length > 0)
        {
            throw new BadInputException($"{option} {folder}: {problem}");
        }

        string real = RealPath.Of(full);
        foreach (var input in inputs ?? [])
        {
            if (string.IsNullOrEmpty(input) || input.StartsWith("zoo:", StringComparison.Ordinal) || (!System.IO.File.Exists(input) && !Directory.Exists(input)))
            {
                continue; // not a path (a built-in name) or nothing there
            }

            string realInput = RealPath.Of(input);
            if (RealPath.IsSameOrInside(real, realInput))
            {
                throw new BadInputException(
                    $"{option} {folder}: {(real == realInput ? "is" : "lies inside")} the input {input}; writing there could destroy it, choose a folder outside the inputs");
            }

            if (RealPath.IsSameOrInside(realInput, real))
            {
                throw new BadInputException($"{option} {folder}: holds the input {input}, which writing the folder could destroy; choose another folder");
            }
        }

        var claimed = new OutputFolder(folder, full, kind, option);
        if (status.Kind == FileStatusKind.Folder)
        {
            claimed.CheckOwned(full);
        }

        claimed.ProbeWritable();
        return claimed;
    }

    /// <summary>Checks what <see cref="Claim"/> checks, and releases the folder again (nothing is written).</summary>
    public static void Check(string folder, string kind, IEnumerable<string?>? inputs = null, string option = "--out")
    {
        using var claimed = Claim(folder, kind, inputs, option);
    }

    /// <summary>The path of <paramref name="relative"/> inside <see cref="Staging"/>.</summary>
    public string File(string relative) => System.IO.Path.Combine(Staging, relative);

    /// <summary>
    /// Marks the folder itself (creating it) as this command's output holding <paramref name="files"/>, for files that must
    /// live in place before <see cref="Commit"/> — a checkpoint an interrupted run resumes from. The marker keeps every file
    /// it listed before. Disposing without committing removes the marker again while nothing else is there.
    /// </summary>
    public void MarkInPlace(params string[] files)
    {
        ArgumentNullException.ThrowIfNull(files);
        ObjectDisposedException.ThrowIf(_committed, this);
        Wrap(() =>
        {
            if (!Directory.Exists(FullPath))
            {
                CreateParents();
                Directory.CreateDirectory(FullPath);
                _createdTarget = true;
            }

            var marker = OutputMarker.Read(FullPath);
            if (!_markedInPlace)
            {
                _markerExisted = marker is not null;
            }

            var listed = new HashSet<string>(marker?.Files ?? new HashSet<string>(), StringComparer.Ordinal);
            listed.UnionWith(files);
            new OutputMarker(Kind, listed).Write(FullPath);
            _markedInPlace = true;
        });
    }

    /// <summary>
    /// Moves <see cref="Staging"/> (with a marker listing its files) into place. An earlier output there is moved aside first
    /// and then only its own files are removed; where the folder cannot be moved (a mount point), its own files are replaced
    /// one by one instead.
    /// </summary>
    public void Commit()
    {
        string staging = Staging;
        Wrap(() =>
        {
            var files = Directory.EnumerateFiles(staging, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                .Select(f => Relative(staging, f)).Where(f => f != MarkerName).ToHashSet(StringComparer.Ordinal);
            new OutputMarker(Kind, files).Write(staging);
            if (Directory.Exists(FullPath))
            {
                CheckOwned(FullPath); // again: a file may have been put there while the command ran
                string old = System.IO.Path.Combine(_parent, $".{System.IO.Path.GetFileName(FullPath)}.{Guid.NewGuid():N}.old");
                try
                {
                    Directory.Move(FullPath, old);
                }
                catch (IOException)
                {
                    ReplaceInPlace(staging);
                    _committed = true;
                    return;
                }

                Directory.Move(staging, FullPath);
                _committed = true;
                DeleteOwned(old, removeFolder: true);
            }
            else
            {
                Directory.Move(staging, FullPath);
                _committed = true;
            }
        });
    }

    /// <summary>Without <see cref="Commit"/>: removes the staging folder, a marker written in place with nothing beside it, and folders the claim created.</summary>
    public void Dispose()
    {
        try
        {
            if (!_committed && _staging is not null && Directory.Exists(_staging))
            {
                Directory.Delete(_staging, recursive: true); // everything in it is ours
            }

            if (!_committed && _markedInPlace && Directory.Exists(FullPath)
                && Directory.EnumerateFileSystemEntries(FullPath).All(e => System.IO.Path.GetFileName(e) == MarkerName))
            {
                if (!_markerExisted)
                {
                    System.IO.File.Delete(System.IO.Path.Combine(FullPath, MarkerName));
                }

                if (_createdTarget && !Directory.EnumerateFileSystemEntries(FullPath).Any())
                {
                    Directory.Delete(FullPath);
                }
            }

            RemoveCreatedParents();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // cleaning up must not hide the failure that led here
        }

        _committed = true;
    }

    private static string Relative(string root, string path) =>
        System.IO.Path.GetRelativePath(root, path).Replace(System.IO.Path.DirectorySeparatorChar, '/');

    private void CheckOwned(string folder)
    {
        List<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                .Where(e => !Directory.Exists(e) || new FileInfo(e).LinkTarget is not null)
                .Select(e => Relative(folder, e)).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{_option} {Given}: cannot be read ({e.Message})", e);
        }

        if (entries.Count == 0)
        {
            return;
        }

        var marker = OutputMarker.Read(folder);
        if (marker is null)
        {
            throw new BadInputException(
                $"{_option} {Given}: not empty (holds {entries[0]}) and not an earlier output of circuitfinder {Kind} (no {MarkerName}); choose a new or empty folder");
        }

        if (marker.Kind != Kind)
        {
            throw new BadInputException($"{_option} {Given}: holds the output of circuitfinder {marker.Kind}, not of {Kind}; choose another folder");
        }

        var foreign = entries.FirstOrDefault(e => !marker.Owns(e));
        if (foreign is not null)
        {
            throw new BadInputException(
                $"{_option} {Given}: holds {foreign}, which circuitfinder {Kind} did not write; move it away or choose another folder");
        }
    }

    private void ProbeWritable() => Wrap(() =>
    {
        try
        {
            CreateParents();
            string probe = System.IO.Path.Combine(_parent, AtomicFile.TemporaryName(System.IO.Path.GetFileName(FullPath)));
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            if (Directory.Exists(FullPath))
            {
                string file = System.IO.Path.Combine(FullPath, AtomicFile.TemporaryName(MarkerName));
                using (new FileStream(file, FileMode.CreateNew, FileAccess.Write))
                {
                }

                System.IO.File.Delete(file);
            }
        }
        finally
        {
            RemoveCreatedParents();
        }
    });

    private void CreateParents()
    {
        var missing = new List<string>();
        for (var dir = new DirectoryInfo(_parent); dir is not null && !dir.Exists; dir = dir.Parent)
        {
            missing.Add(dir.FullName);
        }

        Directory.CreateDirectory(_parent);
        _createdParents.AddRange(missing.Where(m => !_createdParents.Contains(m)));
    }

    private void RemoveCreatedParents()
    {
        foreach (var dir in _createdParents.OrderByDescending(d => d.Length).ToList())
        {
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
            {
                Directory.Delete(dir);
            }

            _createdParents.Remove(dir);
        }
    }

    /// <summary>Removes the files the marker of <paramref name="folder"/> lists (and the marker, and leftovers of atomic writes), then its empty folders.</summary>
    private static void DeleteOwned(string folder, bool removeFolder)
    {
        var marker = OutputMarker.Read(folder); // none: an empty folder (or one of empty folders) was claimed, nothing is ours
        foreach (var file in Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).ToList())
        {
            if (marker is not null && marker.Owns(Relative(folder, file)))
            {
                System.IO.File.Delete(file);
            }
        }

        foreach (var dir in Directory.EnumerateDirectories(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .OrderByDescending(d => d.Length).ToList())
        {
            if (new DirectoryInfo(dir).LinkTarget is null && !Directory.EnumerateFileSystemEntries(dir).Any())
            {
                Directory.Delete(dir);
            }
        }

        if (removeFolder && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }
    }

    private void ReplaceInPlace(string staging)
    {
        DeleteOwned(FullPath, removeFolder: false);
        foreach (var file in Directory.EnumerateFiles(staging, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).ToList())
        {
            string target = System.IO.Path.Combine(FullPath, System.IO.Path.GetRelativePath(staging, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            System.IO.File.Move(file, target, overwrite: true);
        }

        Directory.Delete(staging, recursive: true);
    }

    private void Wrap(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new BadInputException($"{_option} {Given}: cannot write there ({e.Message})", e);
        }
    }
}
