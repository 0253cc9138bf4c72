namespace CircuitFinder.Core;

/// <summary>What <see cref="FileStatus"/> found at a path.</summary>
internal enum FileStatusKind
{
    Missing,
    File,
    Folder,
    /// <summary>A FIFO, a character or block device, or a socket.</summary>
    Special,
    LinkLoop,
    Denied,
    Unreadable,
}
