// BlockDevice: sector reads, writes and flushes (synchronous and asynchronous), with their argument checks.
using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;

namespace Unikraft.Drivers;

public sealed partial class BlockDevice
{
    /// <summary>Reads whole sectors from <paramref name="sector"/> on into <paramref name="buffer"/>.</summary>
    /// <param name="sector">The first sector to read (0 is the first of the device).</param>
    /// <param name="buffer">Receives the sectors; its length is a multiple of <see cref="SectorSize"/>.</param>
    /// <exception cref="ArgumentException">The buffer does not hold whole sectors.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The sectors lie (partly) past the end of the device.</exception>
    /// <exception cref="IOException">The device failed the read.</exception>
    /// <exception cref="ObjectDisposedException">The device was disposed.</exception>
    public void Read(long sector, Span<byte> buffer)
    {
        long offset = ByteOffset(sector, buffer.Length, nameof(buffer));
        SafeFileHandle handle = Handle;
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read <= 0)
            {
                throw EndOfDevice(offset);
            }

            buffer = buffer[read..];
            offset += read;
        }
    }

    /// <summary>
    /// Reads whole sectors from <paramref name="sector"/> on into <paramref name="buffer"/> without blocking the
    /// caller; several reads may be in flight together.
    /// </summary>
    /// <param name="sector">The first sector to read (0 is the first of the device).</param>
    /// <param name="buffer">Receives the sectors; its length is a multiple of <see cref="SectorSize"/>.</param>
    /// <param name="cancellationToken">Cancels the read before it starts.</param>
    /// <exception cref="ArgumentException">The buffer does not hold whole sectors (thrown at once).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The sectors lie (partly) past the end of the device (thrown at once).</exception>
    /// <exception cref="IOException">The device failed the read.</exception>
    public ValueTask ReadAsync(long sector, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        long offset = ByteOffset(sector, buffer.Length, nameof(buffer));
        SafeFileHandle handle = Handle;
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled(cancellationToken)
            : ReadCoreAsync(handle, buffer, offset, cancellationToken);
    }

    /// <summary>Writes whole sectors from <paramref name="sector"/> on.</summary>
    /// <param name="sector">The first sector to write (0 is the first of the device).</param>
    /// <param name="buffer">The sectors; its length is a multiple of <see cref="SectorSize"/>.</param>
    /// <exception cref="ArgumentException">The buffer does not hold whole sectors.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The sectors lie (partly) past the end of the device.</exception>
    /// <exception cref="UnauthorizedAccessException">The device is read-only (<see cref="IsReadOnly"/>); nothing was written.</exception>
    /// <exception cref="IOException">The device failed the write.</exception>
    /// <exception cref="ObjectDisposedException">The device was disposed.</exception>
    public void Write(long sector, ReadOnlySpan<byte> buffer)
    {
        long offset = ByteOffset(sector, buffer.Length, nameof(buffer));
        RandomAccess.Write(WritableHandle(), buffer, offset);
    }

    /// <summary>
    /// Writes whole sectors from <paramref name="sector"/> on without blocking the caller; several writes may be in
    /// flight together (of different sectors: the order of overlapping writes in flight is not defined).
    /// </summary>
    /// <param name="sector">The first sector to write (0 is the first of the device).</param>
    /// <param name="buffer">The sectors; its length is a multiple of <see cref="SectorSize"/>.</param>
    /// <param name="cancellationToken">Cancels the write before it starts.</param>
    /// <exception cref="ArgumentException">The buffer does not hold whole sectors (thrown at once).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The sectors lie (partly) past the end of the device (thrown at once).</exception>
    /// <exception cref="UnauthorizedAccessException">The device is read-only (thrown at once); nothing was written.</exception>
    /// <exception cref="IOException">The device failed the write.</exception>
    public ValueTask WriteAsync(long sector, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        long offset = ByteOffset(sector, buffer.Length, nameof(buffer));
        SafeFileHandle handle = WritableHandle();
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled(cancellationToken)
            : RandomAccess.WriteAsync(handle, buffer, offset, cancellationToken);
    }

    /// <summary>
    /// Makes every completed write durable: <c>fsync</c> of the device file, which the kernel sends to the disk as a
    /// virtio FLUSH request (the VMM then flushes the host's image file).
    /// </summary>
    /// <exception cref="IOException">The device failed the flush.</exception>
    /// <exception cref="ObjectDisposedException">The device was disposed.</exception>
    public void Flush() => RandomAccess.FlushToDisk(Handle);

    /// <summary>Makes every completed write durable, as <see cref="Flush"/> does, without blocking the caller.</summary>
    /// <param name="cancellationToken">Cancels the flush before it starts.</param>
    /// <exception cref="IOException">The device failed the flush.</exception>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        SafeFileHandle handle = Handle;
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled(cancellationToken)
            : new ValueTask(Task.Run(() => RandomAccess.FlushToDisk(handle), cancellationToken));
    }

    private async ValueTask ReadCoreAsync(SafeFileHandle handle, Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        // pread returns fewer bytes only at the end of a device (ruled out above) or when interrupted: go on.
        while (!buffer.IsEmpty)
        {
            int read = await RandomAccess.ReadAsync(handle, buffer, offset, cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                throw EndOfDevice(offset);
            }

            buffer = buffer[read..];
            offset += read;
        }
    }

    /// <summary>
    /// The byte offset of <paramref name="sector"/>, after checking that a buffer of <paramref name="length"/> bytes
    /// holds whole sectors and that they all lie on the device.
    /// </summary>
    private long ByteOffset(long sector, int length, string bufferName)
    {
        if (length % SectorSize != 0)
        {
            throw new ArgumentException(
                $"The buffer holds {length} bytes, which is not a whole number of {SectorSize}-byte sectors: {Path} " +
                $"is read and written in sectors of {SectorSize} bytes.", bufferName);
        }

        long count = length / SectorSize;
        if (sector < 0 || sector > SectorCount || count > SectorCount - sector)
        {
            string which = count <= 1 || sector < 0 || sector > SectorCount
                ? $"Sector {sector} is not"
                : $"Sectors {sector} to {sector + count - 1} are not all";
            throw new ArgumentOutOfRangeException(
                nameof(sector), sector, $"{which} on {Path}, which has sectors 0 to {SectorCount - 1} of {SectorSize} bytes.");
        }

        return sector * SectorSize;
    }

    /// <summary>The handle for a write, or the reason there is none, before any I/O.</summary>
    private SafeFileHandle WritableHandle()
    {
        SafeFileHandle handle = Handle;
        if (Info.IsReadOnly)
        {
            throw new UnauthorizedAccessException(
                $"{Path} is a read-only disk: it cannot be written (in a unikernel, a disk attached with " +
                "<UnikraftDisk ReadOnly=\"true\" /> or the launcher's --disk path,ro is read-only).");
        }

        if (_openedReadOnly)
        {
            throw new UnauthorizedAccessException(
                $"{Path} was opened read-only: open it with BlockDevice.Open(\"{Path}\", writable: true) to write it.");
        }

        return handle;
    }

    private IOException EndOfDevice(long offset) =>
        new EndOfStreamException($"{Path} ended at byte {offset}, before its reported capacity of {Capacity} bytes.");
}
