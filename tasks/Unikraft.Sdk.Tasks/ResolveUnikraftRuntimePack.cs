// Task: finds the native folder of a runtime pack, checks that it is complete and reads its pack.json.
using Microsoft.Build.Framework;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Locates <c>runtimes/&lt;rid&gt;/native/</c> under <see cref="PackDirectory"/> (or accepts the native folder
/// itself), verifies every file of the link line is there and reads pack.json. Errors: UKSDK1002 (no pack), UKSDK1006 (no UnikraftRuntimePackDir folder),
/// UKSDK1003 (file missing), UKSDK1004 (bad pack.json), UKSDK1005 (pack built for another RID).
/// </summary>
public sealed class ResolveUnikraftRuntimePack : UnikraftTask
{
    /// <summary>The files that the link line of docs/runtime-pack.md needs from the pack.</summary>
    public static IReadOnlyList<string> RequiredFiles { get; } =
    [
        RuntimePackManifest.FileName, "unikraft.ld", "libukcore.a", "libukcompat.a",
        "crt1.o", "crti.o", "crtn.o", "libc.a", "libgcc.a", "libgcc_eh.a",
    ];

    /// <summary>The RID being published; the pack must be built for it.</summary>
    [Required]
    public string RuntimeIdentifier { get; set; } = "";

    /// <summary>The NuGet id of the pack, for messages.</summary>
    [Required]
    public string PackId { get; set; } = "";

    /// <summary>The version of the pack, for messages.</summary>
    public string PackVersion { get; set; } = "";

    /// <summary>True when <see cref="PackDirectory"/> comes from UnikraftRuntimePackDir (changes the error).</summary>
    public bool IsOverride { get; set; }

    /// <summary>The pack's root folder (restored package or UnikraftRuntimePackDir).</summary>
    [Required]
    public string PackDirectory { get; set; } = "";

    /// <summary>The folder holding the pack's native files, with a trailing separator.</summary>
    [Output]
    public string NativeDirectory { get; private set; } = "";

    /// <summary>The <c>ld -m</c> emulation (pack.json, else the RID's default).</summary>
    [Output]
    public string LdEmulation { get; private set; } = "";

    /// <summary>The QEMU system emulator (pack.json, else the RID's default).</summary>
    [Output]
    public string QemuBinary { get; private set; } = "";

    /// <summary>The QEMU machine type (pack.json, else the RID's default).</summary>
    [Output]
    public string DefaultMachine { get; private set; } = "";

    /// <summary>The GNU ld that links the image (pack.json's "linker", else the RID's default).</summary>
    [Output]
    public string Linker { get; private set; } = "";

    /// <summary>The image format (pack.json's "imageFormat", else the RID's default): elf or arm64-image.</summary>
    [Output]
    public string ImageFormat { get; private set; } = "";

    /// <inheritdoc />
    protected override void ExecuteCore()
    {
        UnikraftTarget target = UnikraftTarget.Resolve(RuntimeIdentifier);
        string nativeDirectory = FindNativeDirectory(target);
        string[] missing = RequiredFiles.Where(f => !File.Exists(Path.Combine(nativeDirectory, f))).ToArray();
        foreach (string file in missing)
        {
            LogError(nameof(Strings.RuntimePackFileMissing), nativeDirectory, file);
        }

        if (missing.Length > 0)
        {
            return;
        }

        RuntimePackManifest manifest = RuntimePackManifest.Load(Path.Combine(nativeDirectory, RuntimePackManifest.FileName));
        if (manifest.RuntimeIdentifier != target.RuntimeIdentifier)
        {
            throw new UnikraftException(
                nameof(Strings.RuntimePackMismatch), nativeDirectory, manifest.RuntimeIdentifier, target.RuntimeIdentifier);
        }

        NativeDirectory = nativeDirectory;
        LdEmulation = manifest.LdEmulation ?? target.LdEmulation;
        QemuBinary = manifest.QemuBinary ?? target.QemuBinary;
        DefaultMachine = manifest.DefaultMachine ?? target.DefaultMachine;
        // Packs from before these fields were x86_64 packs, whose defaults are ld and a plain ELF image.
        Linker = manifest.Linker ?? target.Linker;
        ImageFormat = manifest.ImageFormat ?? target.ImageFormat;
    }

    private string FindNativeDirectory(UnikraftTarget target)
    {
        if (!Directory.Exists(PackDirectory) && IsOverride)
        {
            throw new UnikraftException(nameof(Strings.RuntimePackDirNotFound), PackDirectory);
        }

        if (!Directory.Exists(PackDirectory))
        {
            throw new UnikraftException(
                nameof(Strings.RuntimePackNotFound), PackId, PackDirectory, target.RuntimeIdentifier, PackVersion);
        }

        // A restored package nests its files under runtimes/<rid>/native/; a folder that holds pack.json
        // itself is accepted too, so UnikraftRuntimePackDir may name either level.
        string nested = Path.Combine(PackDirectory, "runtimes", target.RuntimeIdentifier, "native");
        string chosen;
        if (Directory.Exists(nested))
        {
            chosen = nested;
        }
        else if (File.Exists(Path.Combine(PackDirectory, RuntimePackManifest.FileName)))
        {
            chosen = PackDirectory;
        }
        else
        {
            throw new UnikraftException(nameof(Strings.RuntimePackFileMissing), PackDirectory,
                $"runtimes/{target.RuntimeIdentifier}/native/");
        }

        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(chosen)) + Path.DirectorySeparatorChar;
    }
}
