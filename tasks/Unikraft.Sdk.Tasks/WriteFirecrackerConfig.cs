// Task: writes <App>.fc.json next to a published Firecracker image, the VM that `firecracker --config-file` boots.
using Microsoft.Build.Framework;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Writes Firecracker's config file for <see cref="Image"/> to <c>&lt;image&gt;.json</c>: the image by its file
/// name (the config sits next to it; Firecracker resolves relative paths against its working folder), the
/// network options (UnikraftNetworkConfig) and the default command line (with <c>console=ttyS0</c> on arm64),
/// the resolved UnikraftDisk items as drives, one vCPU, UnikraftMemory and, for UnikraftNetwork=tap, the tap
/// device as the network interface eth0 with the program's stable MAC. The file is rewritten only when its text changes.
/// </summary>
public sealed class WriteFirecrackerConfig : UnikraftTask
{
    /// <summary>The published image, e.g. <c>publish/Hello.fc</c>.</summary>
    [Required]
    public string Image { get; set; } = "";

    /// <summary><c>x64</c> or <c>arm64</c>.</summary>
    [Required]
    public string Architecture { get; set; } = "";

    /// <summary>UnikraftDefaultCommandLine: the kernel command line Firecracker passes.</summary>
    public string DefaultCommandLine { get; set; } = "";

    /// <summary>UnikraftMemory: guest RAM as a QEMU size (<c>256M</c>), written in whole MiB.</summary>
    [Required]
    public string Memory { get; set; } = "";

    /// <summary>The resolved UnikraftNetwork: <c>none</c> (or empty) or <c>tap</c> (<c>user</c> is UKSDK1081 before this).</summary>
    public string Network { get; set; } = "";

    /// <summary>UnikraftTapDevice: the host's tap device of <c>tap</c> (host_dev_name).</summary>
    public string TapDevice { get; set; } = "";

    /// <summary>UnikraftNetworkConfig: <c>net.*</c> kernel options, placed before the default command line.</summary>
    public string NetworkConfig { get; set; } = "";

    /// <summary>The output of <see cref="ResolveUnikraftDisks"/>: absolute paths with ReadOnly true/false.</summary>
    public ITaskItem[] Disks { get; set; } = [];

    /// <summary>The config file written (<c>&lt;image&gt;.json</c>).</summary>
    [Output]
    public string ConfigFile { get; private set; } = "";

    /// <summary>The config file of <paramref name="image"/>: <c>Hello.fc</c> → <c>Hello.fc.json</c>.</summary>
    public static string ConfigPathOf(string image) => image + ".json";

    /// <inheritdoc />
    protected override void ExecuteCore()
    {
        if (FirecrackerConfig.MebibytesOf(Memory) is not { } memoryMiB)
        {
            throw new UnikraftException(nameof(Strings.InvalidPropertyValue), "UnikraftMemory", Memory,
                "Firecracker takes whole MiB: expected a size such as 256M or 1G.");
        }

        if (ImageMemory.TooSmall(Image, Memory) is { } minimum)
        {
            throw new UnikraftException(nameof(Strings.MemoryTooSmall), Memory, Image, minimum);
        }

        string json = FirecrackerConfig.ToJson(
            Path.GetFileName(Image),
            FirecrackerConfig.BootArgs(Architecture, $"{NetworkConfig.Trim()} {DefaultCommandLine.Trim()}"),
            Disks.Select(d => (d.ItemSpec, string.Equals(d.GetMetadata("ReadOnly"), "true", StringComparison.OrdinalIgnoreCase))),
            memoryMiB,
            Network == GuestNetwork.Tap ? (TapDevice.Trim(), GuestNetwork.GuestMac(Image)) : null);

        ConfigFile = ConfigPathOf(Image);
        if (!File.Exists(ConfigFile) || File.ReadAllText(ConfigFile) != json)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ConfigFile))!);
            File.WriteAllText(ConfigFile, json);
        }

        LogMessage(MessageImportance.Normal, $"Firecracker config: {ConfigFile}");
    }
}
