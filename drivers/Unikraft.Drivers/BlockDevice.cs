// BlockDevice: finding and opening the unikernel's block devices (/dev/vda, /dev/vdb, …) and their geometry.
using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;

namespace Unikraft.Drivers;

/// <summary>
/// One block device of the unikernel, read and written by sector: the .NET counterpart of MirageOS's
/// mirage-block-unikraft. The disks of a project's <c>&lt;UnikraftDisk Include="data.img" /&gt;</c> items (or the
/// launcher's <c>--disk path[,ro]</c> options) appear in their order as <c>/dev/vda</c>, <c>/dev/vdb</c>, …
/// </summary>
/// <remarks>
/// <para>
/// Offsets are sector numbers and buffers hold whole sectors of <see cref="SectorSize"/> bytes. Several
/// <see cref="ReadAsync"/> and <see cref="WriteAsync"/> calls may be in flight together; each is a positioned
/// read or write (<c>pread</c>/<c>pwrite</c>) of the device file, so they never share a file position. Completed
/// writes are durable once <see cref="Flush"/> or <see cref="FlushAsync"/> (an <c>fsync</c>, which the kernel sends
/// to the disk as a virtio FLUSH) returns.
/// </para>
/// <para>
/// The same code runs on Linux against any block device (e.g. a loop device) and, for debugging on the host,
/// against a disk image file, whose length is its capacity, with 512-byte sectors.
/// </para>
/// <example>
/// <code>
/// foreach (BlockDeviceInfo disk in BlockDevice.Enumerate())
///     Console.WriteLine($"{disk.Path}: {disk.SectorCount} sectors of {disk.SectorSize} bytes{(disk.IsReadOnly ? ", read-only" : "")}");
///
/// await using BlockDevice vda = BlockDevice.Open("vda");
/// byte[] sector = new byte[vda.SectorSize];
/// await vda.ReadAsync(0, sector);
/// await vda.WriteAsync(1, sector);
/// await vda.FlushAsync();
/// </code>
/// </example>
/// </remarks>
public sealed partial class BlockDevice : IDisposable, IAsyncDisposable
{
    /// <summary>Where the kernel's device file system lists the block devices.</summary>
    public const string DeviceDirectory = "/dev";

    private readonly SafeFileHandle _handle;

    /// <summary>Opened with writable: false (as opposed to a disk that is read-only itself).</summary>
    private readonly bool _openedReadOnly;

    private BlockDevice(SafeFileHandle handle, BlockDeviceInfo info, bool writable)
    {
        _handle = handle;
        Info = info;
        IsReadOnly = info.IsReadOnly || !writable;
        _openedReadOnly = !writable;
    }

    /// <summary>The device's geometry as the kernel reported it when the device was opened.</summary>
    public BlockDeviceInfo Info { get; }

    /// <summary>The device's name, e.g. <c>vda</c>.</summary>
    public string Name => Info.Name;

    /// <summary>The device file, e.g. <c>/dev/vda</c>.</summary>
    public string Path => Info.Path;

    /// <summary>The size of a sector in bytes: the unit of every sector number and buffer length.</summary>
    public int SectorSize => Info.SectorSize;

    /// <summary>The number of sectors; the last one is <c>SectorCount - 1</c>.</summary>
    public long SectorCount => Info.SectorCount;

    /// <summary>The size of the device in bytes.</summary>
    public long Capacity => Info.Capacity;

    /// <summary>The physical block size in bytes (a multiple of <see cref="SectorSize"/>).</summary>
    public int PhysicalBlockSize => Info.PhysicalBlockSize;

    /// <summary>
    /// True when writes are refused: the disk itself is read-only (<see cref="BlockDeviceInfo.IsReadOnly"/>), or it
    /// was opened with <c>writable: false</c>. <see cref="Write"/> and <see cref="WriteAsync"/> then throw
    /// <see cref="UnauthorizedAccessException"/> before any I/O.
    /// </summary>
    public bool IsReadOnly { get; }

    /// <summary>
    /// The block devices that exist, in order: <c>/dev/vda</c>, <c>/dev/vdb</c>, … (after <c>vdz</c> come <c>vdaa</c>, …),
    /// each with its geometry. Empty when the unikernel has no disk. (On a Linux host, devices this process may not
    /// open are left out.)
    /// </summary>
    public static IReadOnlyList<BlockDeviceInfo> Enumerate()
    {
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(DeviceDirectory, "vd*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var names = new List<string>();
        foreach (string entry in entries)
        {
            string name = System.IO.Path.GetFileName(entry);
            if (IsVirtioDiskName(name))
            {
                names.Add(name);
            }
        }

        // vda … vdz, then vdaa …: Linux's order of virtio disk names (partitions such as vda1 are left out).
        names.Sort((a, b) => a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b));
        return Enumerate(names);
    }

    /// <summary>
    /// The devices among <paramref name="namesOrPaths"/> that exist, in the given order, each with its geometry:
    /// <see cref="Enumerate()"/> for other device names, e.g. a Linux loop device (<c>/dev/loop0</c>). Devices this
    /// process may not open are left out too.
    /// </summary>
    /// <param name="namesOrPaths">Device names (<c>vda</c>, looked up in /dev) or paths (<c>/dev/loop0</c>).</param>
    public static IReadOnlyList<BlockDeviceInfo> Enumerate(IEnumerable<string> namesOrPaths)
    {
        ArgumentNullException.ThrowIfNull(namesOrPaths);
        var devices = new List<BlockDeviceInfo>();
        foreach (string nameOrPath in namesOrPaths)
        {
            string path = ResolvePath(nameOrPath);
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                devices.Add(GetInfo(path));
            }
            catch (UnauthorizedAccessException)
            {
                // Never in a unikernel; on a Linux host, e.g. the host's own /dev/vda for a user who may not open it.
            }
        }

        return devices;
    }

    /// <summary>The geometry of one device, which is opened for reading only to ask it.</summary>
    /// <param name="nameOrPath">A device name (<c>vda</c>, looked up in /dev) or a path (<c>/dev/vda</c>).</param>
    /// <exception cref="FileNotFoundException">There is no such device.</exception>
    /// <exception cref="IOException">The file is no block device.</exception>
    public static BlockDeviceInfo GetInfo(string nameOrPath)
    {
        using BlockDevice device = Open(nameOrPath, writable: false);
        return device.Info;
    }

    /// <summary>Opens a block device for sector reads and, unless it is read-only, writes.</summary>
    /// <param name="nameOrPath">A device name (<c>vda</c>, looked up in /dev) or a path (<c>/dev/vda</c>).</param>
    /// <param name="writable">
    /// Open the device for writing too (the default). A read-only disk opens for writing as well, as on Linux;
    /// <see cref="IsReadOnly"/> then says that its writes are refused.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="nameOrPath"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">There is no such device: no disk was attached as it.</exception>
    /// <exception cref="IOException">The file is no block device, or the kernel refused to open it.</exception>
    public static BlockDevice Open(string nameOrPath, bool writable = true)
    {
        string path = ResolvePath(nameOrPath);
        SafeFileHandle handle;
        try
        {
            // FileShare.ReadWrite: a disk is shared by nature; the kernel orders the requests, not a lock.
            handle = File.OpenHandle(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException(
                $"There is no block device {path}. Attach a disk image to the unikernel with " +
                "<UnikraftDisk Include=\"disk.img\" /> in the project (ReadOnly=\"true\" for a read-only disk), or with the " +
                "launcher's --disk path[,ro]: the disks appear in that order as /dev/vda, /dev/vdb, …",
                path, e);
        }

        try
        {
            return new BlockDevice(handle, BlockDeviceInfo.Query(handle, path), writable);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Closes the device file; I/O still in flight completes first.</summary>
    public void Dispose() => _handle.Dispose();

    /// <summary>Closes the device file, as <see cref="Dispose"/> does.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Path} ({SectorCount} sectors of {SectorSize} bytes{(IsReadOnly ? ", read-only" : "")})";

    /// <summary>"vda" → "/dev/vda"; anything with a '/' is a path already.</summary>
    private static string ResolvePath(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        return nameOrPath.Contains('/') ? nameOrPath : $"{DeviceDirectory}/{nameOrPath}";
    }

    /// <summary>"vd" and one or more lower-case letters: a whole virtio disk, not a partition.</summary>
    private static bool IsVirtioDiskName(string name)
    {
        if (name.Length < 3 || !name.StartsWith("vd", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in name.AsSpan(2))
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The open handle, or <see cref="ObjectDisposedException"/> once the device is disposed.</summary>
    private SafeFileHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }
}
