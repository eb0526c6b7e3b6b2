// Disk images and Linux loop devices over them for the tests of Unikraft.Drivers (attached by losetup, always detached).
namespace Unikraft.Sdk.Tests.Drivers;

/// <summary>
/// A loop device (<c>/dev/loopN</c>) over an image file: the same kind of Linux block device that the kernel's
/// /dev/vd* imitate. Dispose detaches it.
/// </summary>
internal sealed class LoopDevice : IDisposable
{
    private LoopDevice(string image, string path)
    {
        Image = image;
        Path = path;
    }

    /// <summary>The backing image file.</summary>
    public string Image { get; }

    /// <summary>The device, e.g. /dev/loop3.</summary>
    public string Path { get; }

    /// <summary>The device's name, e.g. loop3.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>
    /// Attaches <paramref name="image"/> (<c>losetup -f --show</c>, with <c>-r</c> when <paramref name="readOnly"/>).
    /// Ends the test Inconclusive when loop devices cannot be used here: not root, no losetup, or no free device.
    /// </summary>
    public static LoopDevice Attach(string image, bool readOnly = false)
    {
        if (!OperatingSystem.IsLinux())
        {
            Prerequisite.Unavailable("Loop devices are Linux's; these native tests of Unikraft.Drivers run on Linux only.");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            Prerequisite.Unavailable("Attaching loop devices (losetup) needs root; run the tests as root to include the native BlockDevice tests.");
        }

        if (!HostTools.Has("losetup") || !HostTools.Has("blockdev"))
        {
            Prerequisite.Unavailable("Needs losetup and blockdev (util-linux, in /usr/sbin) on PATH for the native BlockDevice tests.");
        }

        CommandResult result = Command.Run("losetup", [.. readOnly ? new[] { "-r" } : [], "-f", "--show", image], timeout: TimeSpan.FromMinutes(1));
        string? device = result.Output.Split('\n').Select(l => l.Trim())
            .LastOrDefault(l => l.StartsWith("/dev/loop", StringComparison.Ordinal));
        if (result.ExitCode != 0 || device is null)
        {
            Prerequisite.Unavailable($"No loop device could be attached here (a container without /dev/loop*?):\n{result}");
        }

        return new LoopDevice(image, device);
    }

    /// <summary>What Linux itself reports for the device: <c>blockdev --getsize64 --getss --getpbsz --getro</c>.</summary>
    public (long Bytes, int Sector, int Physical, bool ReadOnly) Blockdev()
    {
        CommandResult result = Command.Run("blockdev", ["--getsize64", "--getss", "--getpbsz", "--getro", Path]);
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        string[] values = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.HasCount(4, values, result.ToString());
        return (long.Parse(values[0]), int.Parse(values[1]), int.Parse(values[2]), values[3] == "1");
    }

    /// <summary>Detaches the device; a device still busy for a moment is retried.</summary>
    public void Dispose()
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            if (Command.Run("losetup", ["-d", Path], timeout: TimeSpan.FromMinutes(1)).ExitCode == 0)
            {
                return;
            }

            Thread.Sleep(200);
        }

        Assert.Fail($"losetup -d {Path} failed 10 times: detach it by hand.");
    }

    public override string ToString() => $"{Path} over {Image}";
}

/// <summary>Image files of the tests and their expected contents.</summary>
internal static class DiskImages
{
    /// <summary>A new image of <paramref name="size"/> bytes in this run's folder <paramref name="folder"/>, zero but for <paramref name="fill"/>.</summary>
    public static string Create(string folder, string name, long size, params (long Offset, byte[] Data)[] fill)
    {
        string path = Path.Combine(TestRun.Folder(folder), name);
        using var stream = File.Create(path);
        stream.SetLength(size);
        foreach ((long offset, byte[] data) in fill)
        {
            stream.Seek(offset, SeekOrigin.Begin);
            stream.Write(data);
        }

        return path;
    }

    /// <summary>Bytes that differ per offset, per seed and per 512-byte sector (the test app's Pattern).</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)(i * 7 + seed + i / 512);
        }

        return data;
    }

    /// <summary><paramref name="length"/> bytes of the image file at <paramref name="offset"/>, as the host sees them.</summary>
    public static byte[] Read(string image, long offset, int length)
    {
        var buffer = new byte[length];
        using var stream = new FileStream(image, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        stream.ReadExactly(buffer);
        return buffer;
    }
}
