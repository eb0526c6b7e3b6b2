// Task: maps a unikraft-* runtime identifier to its backend, CPU, image suffix, runtime pack and QEMU.
using Microsoft.Build.Framework;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Resolves <see cref="RuntimeIdentifier"/> to the facts of <see cref="UnikraftTarget"/>; an unsupported
/// RID is the error UKSDK1001 with the list of supported ones.
/// </summary>
public sealed class ResolveUnikraftTarget : UnikraftTask
{
    /// <summary>The RID being built, e.g. <c>unikraft-qemu-x64</c>.</summary>
    [Required]
    public string RuntimeIdentifier { get; set; } = "";

    /// <summary><c>qemu</c> or <c>fc</c>.</summary>
    [Output]
    public string Backend { get; private set; } = "";

    /// <summary><c>x64</c> or <c>arm64</c>.</summary>
    [Output]
    public string Architecture { get; private set; } = "";

    /// <summary><c>x86_64</c> or <c>aarch64</c>.</summary>
    [Output]
    public string CpuName { get; private set; } = "";

    /// <summary>The image file suffix, <c>.qemu</c> or <c>.fc</c>.</summary>
    [Output]
    public string ImageSuffix { get; private set; } = "";

    /// <summary>The NuGet id of the matching runtime pack.</summary>
    [Output]
    public string RuntimePackId { get; private set; } = "";

    /// <summary>The Linux RID whose NativeAOT runtime is linked in.</summary>
    [Output]
    public string LinuxRuntimeIdentifier { get; private set; } = "";

    /// <summary>The QEMU system emulator for the CPU.</summary>
    [Output]
    public string QemuBinary { get; private set; } = "";

    /// <summary>The Debian package that installs <see cref="QemuBinary"/>.</summary>
    [Output]
    public string QemuDebianPackage { get; private set; } = "";

    /// <summary>The default QEMU machine type.</summary>
    [Output]
    public string DefaultMachine { get; private set; } = "";

    /// <inheritdoc />
    protected override void ExecuteCore()
    {
        UnikraftTarget target = UnikraftTarget.Resolve(RuntimeIdentifier);
        Backend = target.Backend;
        Architecture = target.Architecture;
        CpuName = target.CpuName;
        ImageSuffix = target.ImageSuffix;
        RuntimePackId = target.RuntimePackId;
        LinuxRuntimeIdentifier = target.LinuxRuntimeIdentifier;
        QemuBinary = target.QemuBinary;
        QemuDebianPackage = target.QemuDebianPackage;
        DefaultMachine = target.DefaultMachine;
    }
}
