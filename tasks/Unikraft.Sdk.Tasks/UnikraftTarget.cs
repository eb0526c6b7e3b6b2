// The four supported runtime identifiers and what each one means: backend, CPU, image, pack and QEMU.
namespace Unikraft.Sdk.Tasks;

/// <summary>What a unikraft-* runtime identifier selects.</summary>
/// <param name="RuntimeIdentifier">The RID, e.g. <c>unikraft-qemu-x64</c>.</param>
/// <param name="Backend">The hypervisor family: <c>qemu</c> or <c>fc</c> (Firecracker).</param>
/// <param name="Architecture">The .NET architecture name: <c>x64</c> or <c>arm64</c>.</param>
/// <param name="CpuName">The GNU CPU name: <c>x86_64</c> or <c>aarch64</c>.</param>
/// <param name="LdEmulation">The <c>ld -m</c> emulation when the pack does not name one.</param>
/// <param name="QemuBinary">The QEMU system emulator for this CPU.</param>
/// <param name="QemuDebianPackage">The Debian package that installs <paramref name="QemuBinary"/>.</param>
/// <param name="DefaultMachine">The QEMU machine when UnikraftQemuMachine is empty.</param>
/// <param name="Linker">The GNU ld when neither UnikraftLinker nor the pack names one.</param>
/// <param name="ImageFormat">The image format when the pack does not name one.</param>
public sealed record UnikraftTarget(
    string RuntimeIdentifier,
    string Backend,
    string Architecture,
    string CpuName,
    string LdEmulation,
    string QemuBinary,
    string QemuDebianPackage,
    string DefaultMachine,
    string Linker,
    string ImageFormat)
{
    private const string Prefix = "unikraft-";

    /// <summary>The supported targets, in the order error messages list them.</summary>
    public static IReadOnlyList<UnikraftTarget> All { get; } =
    [
        new("unikraft-qemu-x64", "qemu", "x64", "x86_64", "elf_x86_64", "qemu-system-x86_64", "qemu-system-x86", "microvm",
            "ld", ImageFormats.Elf),
        new("unikraft-qemu-arm64", "qemu", "arm64", "aarch64", "aarch64linux", "qemu-system-aarch64", "qemu-system-arm", "virt",
            "aarch64-linux-gnu-ld", ImageFormats.Arm64Image),
        new("unikraft-fc-x64", "fc", "x64", "x86_64", "elf_x86_64", "qemu-system-x86_64", "qemu-system-x86", "microvm",
            "ld", ImageFormats.Elf),
        new("unikraft-fc-arm64", "fc", "arm64", "aarch64", "aarch64linux", "qemu-system-aarch64", "qemu-system-arm", "virt",
            "aarch64-linux-gnu-ld", ImageFormats.Arm64Image),
    ];

    /// <summary>The supported RIDs, separated by ", ".</summary>
    public static string SupportedList => string.Join(", ", All.Select(t => t.RuntimeIdentifier));

    /// <summary>The file name suffix of the image: <c>.qemu</c> or <c>.fc</c>.</summary>
    public string ImageSuffix => "." + Backend;

    /// <summary>The NuGet id of the runtime pack, e.g. <c>Unikraft.Runtime.qemu-x64</c>.</summary>
    public string RuntimePackId => "Unikraft.Runtime." + RuntimeIdentifier[Prefix.Length..];

    /// <summary>The Linux RID whose NativeAOT runtime the image uses.</summary>
    public string LinuxRuntimeIdentifier => "linux-" + Architecture;

    /// <summary>
    /// The Debian package that installs the binutils tool <paramref name="tool"/>: <c>binutils-aarch64-linux-gnu</c>
    /// for <c>aarch64-linux-gnu-*</c>, <c>binutils-x86-64-linux-gnu</c> for <c>x86_64-linux-gnu-*</c>, else <c>binutils</c>.
    /// </summary>
    public static string BinutilsDebianPackage(string tool)
    {
        System.Text.RegularExpressions.Match cross =
            System.Text.RegularExpressions.Regex.Match(Path.GetFileName(tool), "^([a-z0-9_]+)-linux-gnu-");
        return cross.Success ? $"binutils-{cross.Groups[1].Value.Replace('_', '-')}-linux-gnu" : "binutils";
    }

    /// <summary>Finds the target of <paramref name="runtimeIdentifier"/>, or null when it is not supported.</summary>
    public static UnikraftTarget? Find(string? runtimeIdentifier) =>
        All.FirstOrDefault(t => string.Equals(t.RuntimeIdentifier, runtimeIdentifier, StringComparison.Ordinal));

    /// <summary>Finds the target of <paramref name="runtimeIdentifier"/> or throws the coded UKSDK1001.</summary>
    public static UnikraftTarget Resolve(string? runtimeIdentifier) =>
        Find(runtimeIdentifier)
        ?? throw new UnikraftException(nameof(Strings.UnsupportedRuntimeIdentifier), runtimeIdentifier, SupportedList);
}
