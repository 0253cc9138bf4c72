using System.Runtime.InteropServices;

namespace CircuitFinder.Core;

/// <summary>
/// What a path names, asked of the operating system before anything is opened (Linux <c>statx</c>, following links):
/// a regular file, a folder, or something else (a FIFO, a device, a socket), its size, or why it cannot be asked
/// (missing, a symbolic-link loop, no permission). Opening a FIFO blocks and <c>/dev/zero</c> never ends, so readers
/// look first. Where <c>statx</c> is unavailable the managed checks stand in (and cannot tell a FIFO from a file).
/// </summary>
internal readonly record struct FileStatus(FileStatusKind Kind, long Size, int Error)
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxMode = 0x2, StatxSize = 0x200;
    private const int Enoent = 2, Enotdir = 20, Eloop = 40, Eacces = 13, Enametoolong = 36;

    public static FileStatus Of(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var buffer = new byte[256];
                if (Statx(AtFdCwd, path, 0, StatxType | StatxMode | StatxSize, buffer) == 0)
                {
                    int mode = BitConverter.ToUInt16(buffer, 28) & 0xF000;
                    long size = BitConverter.ToInt64(buffer, 40);
                    var kind = mode switch
                    {
                        0x8000 => FileStatusKind.File,
                        0x4000 => FileStatusKind.Folder,
                        _ => FileStatusKind.Special,
                    };
                    return new FileStatus(kind, size, 0);
                }

                int error = Marshal.GetLastPInvokeError();
                return new FileStatus(error switch
                {
                    Enoent or Enotdir => FileStatusKind.Missing,
                    Eloop => FileStatusKind.LinkLoop,
                    Eacces => FileStatusKind.Denied,
                    Enametoolong => FileStatusKind.Missing,
                    _ => FileStatusKind.Unreadable,
                }, 0, error);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // an old C library: fall back to the managed checks
            }
        }

        return Directory.Exists(path) ? new FileStatus(FileStatusKind.Folder, 0, 0)
            : File.Exists(path) ? new FileStatus(FileStatusKind.File, new FileInfo(path).Length, 0)
            : new FileStatus(FileStatusKind.Missing, 0, Enoent);
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}
