// What a block device is (name, capacity, sector sizes, read-only), as the kernel's block ioctls report it.
using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Unikraft.Drivers;

/// <summary>
/// The geometry of one block device, the counterpart of mirage-block's <c>Block.info</c>: what
/// <see cref="BlockDevice.Enumerate()"/> lists and <see cref="BlockDevice.Info"/> holds.
/// </summary>
/// <param name="Name">The device's name, e.g. <c>vda</c> (the file name of <paramref name="Path"/>).</param>
/// <param name="Path">The device file, e.g. <c>/dev/vda</c>.</param>
/// <param name="Capacity">The size in bytes (<c>ioctl(BLKGETSIZE64)</c>; <c>fstat</c> reports 0 for block devices).</param>
/// <param name="SectorSize">The logical sector size in bytes (<c>ioctl(BLKSSZGET)</c>), the unit of every offset and length.</param>
/// <param name="PhysicalBlockSize">The physical block size in bytes (<c>ioctl(BLKPBSZGET)</c>): writes of whole, aligned
/// physical blocks avoid a read-modify-write in the device.</param>
/// <param name="IsReadOnly">True when the device refuses every write (<c>ioctl(BLKROGET)</c>): a disk attached with
/// <c>&lt;UnikraftDisk ReadOnly="true"&gt;</c> or the launcher's <c>--disk path,ro</c>.</param>
public sealed partial record BlockDeviceInfo(string Name, string Path, long Capacity, int SectorSize, int PhysicalBlockSize, bool IsReadOnly)
{
    /// <summary>The number of whole sectors: <see cref="Capacity"/> / <see cref="SectorSize"/>.</summary>
    public long SectorCount => Capacity / SectorSize;

    /// <summary>The sector size used when a device does not report one, and for disk image files.</summary>
    internal const int DefaultSectorSize = 512;

    /// <summary>
    /// Asks the device behind <paramref name="handle"/> for its geometry with the Linux block ioctls, which the
    /// kernel answers for /dev/vd* as Linux does for its block devices. A regular file (a disk image, e.g. when
    /// the program runs on the host for debugging) answers none of them: its length is its capacity, with
    /// 512-byte sectors. Anything else is an <see cref="IOException"/>.
    /// </summary>
    internal static BlockDeviceInfo Query(SafeFileHandle handle, string path)
    {
        string name = System.IO.Path.GetFileName(path);
        int fd = AddRef(handle, out bool added);
        try
        {
            if (!Native.TryGetUInt64(fd, Native.BLKGETSIZE64, out ulong bytes, out int errno))
            {
                return errno is Native.ENOTTY or Native.EINVAL ? ImageFile(handle, name, path, errno) : throw Failed(path, "BLKGETSIZE64", errno);
            }

            int sector = Native.TryGetInt32(fd, Native.BLKSSZGET, out int s, out _) && IsBlockSize(s) ? s : DefaultSectorSize;
            int physical = Native.TryGetInt32(fd, Native.BLKPBSZGET, out int p, out _) && IsBlockSize(p) ? p : sector;
            bool readOnly = Native.TryGetInt32(fd, Native.BLKROGET, out int ro, out _) && ro != 0;
            return new BlockDeviceInfo(name, path, checked((long)bytes), sector, physical, readOnly);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static BlockDeviceInfo ImageFile(SafeFileHandle handle, string name, string path, int errno)
    {
        long length = RandomAccess.GetLength(handle);
        if (length <= 0)
        {
            throw new IOException(
                $"{path} is not a block device: it answers no block ioctl ({Native.Describe(errno)}) and is not a disk image file.");
        }

        return new BlockDeviceInfo(name, path, length, DefaultSectorSize, DefaultSectorSize, IsReadOnly: false);
    }

    private static bool IsBlockSize(int size) => size > 0 && (size & (size - 1)) == 0;

    private static IOException Failed(string path, string request, int errno) =>
        new($"ioctl({request}) on {path} failed: {Native.Describe(errno)}");

    /// <summary>The handle's file descriptor, kept open until the matching DangerousRelease.</summary>
    private static int AddRef(SafeFileHandle handle, out bool added)
    {
        added = false;
        handle.DangerousAddRef(ref added);
        return (int)handle.DangerousGetHandle();
    }

    /// <summary>libc's ioctl with the block requests the kernel (and Linux) answer; numbers as in &lt;linux/fs.h&gt;.</summary>
    private static unsafe partial class Native
    {
        public const nuint BLKROGET = 0x125e;
        public const nuint BLKSSZGET = 0x1268;
        public const nuint BLKPBSZGET = 0x127b;
        public const nuint BLKGETSIZE64 = 0x80081272;
        public const int EINVAL = 22;
        public const int ENOTTY = 25;

        /// <summary>
        /// <c>int ioctl(int fd, unsigned long request, ...)</c>; the package's build/Unikraft.Drivers.props makes it a
        /// DirectPInvoke, bound at link time to musl in an image (there is no dlopen in a unikernel).
        /// </summary>
        [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
        private static partial int Ioctl(int fd, nuint request, void* argument);

        /// <summary>A request that writes a u64 (BLKGETSIZE64).</summary>
        public static bool TryGetUInt64(int fd, nuint request, out ulong value, out int errno)
        {
            ulong result = 0;
            bool ok = Ioctl(fd, request, &result) == 0;
            errno = ok ? 0 : Marshal.GetLastPInvokeError();
            value = result;
            return ok;
        }

        /// <summary>A request that writes an int or an unsigned int (BLKSSZGET, BLKPBSZGET, BLKROGET).</summary>
        public static bool TryGetInt32(int fd, nuint request, out int value, out int errno)
        {
            int result = 0;
            bool ok = Ioctl(fd, request, &result) == 0;
            errno = ok ? 0 : Marshal.GetLastPInvokeError();
            value = result;
            return ok;
        }

        /// <summary>The error's text and number, e.g. "Inappropriate ioctl for device (errno 25)".</summary>
        public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
    }
}
