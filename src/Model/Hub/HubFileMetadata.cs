namespace CircuitFinder.Model.Hub;

/// <summary>
/// What the hub's <c>resolve</c> answer says of one file: its <see cref="ETag"/> (the blob's name in the cache: the git
/// object id, or the sha256 of a large file), <see cref="Size"/> in bytes, and for a large (LFS) file the
/// <see cref="Sha256"/> its bytes must hash to.
/// </summary>
public sealed record HubFileMetadata(string File, string ETag, long? Size, string? Sha256);
