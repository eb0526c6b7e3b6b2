// Firecracker's config file (firecracker --no-api --config-file): written at publish and by the launcher
// (shared by the tasks and the launcher, like ExecutableSearch.cs).
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Unikraft.Sdk;

/// <summary>
/// Writes the VM description Firecracker reads with <c>--config-file</c>: boot-source (image, command line),
/// drives (one virtio-blk device per disk, in order: /dev/vda, /dev/vdb, … in the guest), machine-config
/// (one vCPU, the guest RAM) and network-interfaces (none, or the guest's virtio-net device on a tap device).
/// </summary>
internal static class FirecrackerConfig
{
    /// <summary>The console Firecracker arm64 adds only when the command line names one (x86_64 always has it).</summary>
    public const string Arm64Console = "console=ttyS0";

    /// <summary>
    /// The JSON text of a VM; <paramref name="disks"/> become the drives vda, vdb, … in order, and
    /// <paramref name="tap"/> (the host's tap device and the guest's MAC) the network interface eth0.
    /// </summary>
    public static string ToJson(
        string kernelImagePath, string bootArgs, IEnumerable<(string Path, bool ReadOnly)> disks, long memoryMiB,
        (string HostDevice, string GuestMac)? tap = null)
    {
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, options))
        {
            json.WriteStartObject();
            json.WriteStartObject("boot-source");
            json.WriteString("kernel_image_path", kernelImagePath);
            json.WriteString("boot_args", bootArgs);
            json.WriteEndObject();

            json.WriteStartArray("drives");
            int index = 0;
            foreach ((string path, bool readOnly) in disks)
            {
                json.WriteStartObject();
                json.WriteString("drive_id", DriveId(index++));
                json.WriteString("path_on_host", path);
                json.WriteBoolean("is_root_device", false);
                json.WriteBoolean("is_read_only", readOnly);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartObject("machine-config");
            json.WriteNumber("vcpu_count", 1);
            json.WriteNumber("mem_size_mib", memoryMiB);
            json.WriteEndObject();

            json.WriteStartArray("network-interfaces");
            if (tap is { } nic)
            {
                json.WriteStartObject();
                json.WriteString("iface_id", GuestNetwork.FirecrackerInterfaceId);
                json.WriteString("host_dev_name", nic.HostDevice);
                json.WriteString("guest_mac", nic.GuestMac);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>The guest's name of disk <paramref name="index"/> (0-based), as Linux names virtio disks: vda … vdz, vdaa, ….</summary>
    public static string DriveId(int index)
    {
        var letters = new StringBuilder();
        for (int n = index + 1; n > 0; n = (n - 1) / 26)
        {
            letters.Insert(0, (char)('a' + ((n - 1) % 26)));
        }

        return "vd" + letters;
    }

    /// <summary>
    /// The command line Firecracker passes for <paramref name="commandLine"/>: on arm64 it leads with
    /// <see cref="Arm64Console"/> unless an option before <c>--</c> already names a console, since Firecracker
    /// arm64 adds its serial port only then. The kernel ignores <c>console=</c>, but a line holding it is no
    /// longer empty: the image's default command line must be part of it.
    /// </summary>
    public static string BootArgs(string architecture, string commandLine)
    {
        string line = commandLine.Trim();
        if (architecture != "arm64" || HasConsoleOption(line))
        {
            return line;
        }

        return line.Length == 0 ? Arm64Console : Arm64Console + " " + line;
    }

    /// <summary>
    /// Converts a QEMU memory size (<c>256M</c>, <c>1G</c>, <c>512</c> = MiB, <c>2048K</c>) to whole MiB, as
    /// Firecracker's mem_size_mib takes it; null when it is malformed, not whole MiB or out of range.
    /// </summary>
    public static long? MebibytesOf(string size)
    {
        if (string.IsNullOrEmpty(size) || size[0] is < '1' or > '9')
        {
            return null;
        }

        char unit = char.IsAsciiDigit(size[^1]) ? 'M' : size[^1];
        string digits = char.IsAsciiDigit(size[^1]) ? size : size[..^1];
        if (!digits.All(char.IsAsciiDigit) || !long.TryParse(digits, out long value))
        {
            return null;
        }

        try
        {
            return unit switch
            {
                'K' when value % 1024 == 0 => value / 1024,
                'M' => value,
                'G' => checked(value * 1024),
                'T' => checked(value * 1024 * 1024),
                _ => null,
            };
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static bool HasConsoleOption(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .TakeWhile(word => word != "--")
            .Any(word => word.StartsWith("console=", StringComparison.Ordinal));
}
