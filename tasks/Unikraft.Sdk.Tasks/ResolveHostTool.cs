// Task: finds a host tool (the linker or QEMU) and fails with a coded install hint when it is missing.
using Microsoft.Build.Framework;

namespace Unikraft.Sdk.Tasks;

/// <summary>The host tools that <see cref="ResolveHostTool"/> knows install hints for.</summary>
public enum HostToolKind
{
    /// <summary>GNU ld from binutils (UKSDK1010 when missing).</summary>
    Linker,

    /// <summary>GNU objcopy from binutils (UKSDK1013 when missing).</summary>
    ObjCopy,

    /// <summary>A QEMU system emulator (UKSDK1011 when missing).</summary>
    Qemu,
}

/// <summary>Resolves <see cref="Name"/> (a path or a name on PATH) to a full path.</summary>
public sealed class ResolveHostTool : UnikraftTask
{
    /// <summary>The tool: a bare name searched on PATH, or a path.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary><c>Linker</c>, <c>ObjCopy</c> or <c>Qemu</c>: selects the error and its install hint.</summary>
    [Required]
    public string Kind { get; set; } = "";

    /// <summary>The Debian package to suggest for QEMU (binutils tools: derived from the name), e.g. <c>qemu-system-x86</c>.</summary>
    public string DebianPackage { get; set; } = "";

    /// <summary>The full path of the tool.</summary>
    [Output]
    public string FullPath { get; private set; } = "";

    /// <inheritdoc />
    protected override void ExecuteCore()
    {
        if (!Enum.TryParse(Kind, ignoreCase: true, out HostToolKind kind))
        {
            throw new UnikraftException(nameof(Strings.InvalidPropertyValue), nameof(Kind), Kind, "expected Linker, ObjCopy or Qemu.");
        }

        FullPath = ExecutableSearch.Find(Name) ?? "";
        if (FullPath.Length == 0)
        {
            if (kind == HostToolKind.Linker)
            {
                LogError(nameof(Strings.LinkerNotFound), Name, UnikraftTarget.BinutilsDebianPackage(Name));
            }
            else if (kind == HostToolKind.ObjCopy)
            {
                LogError(nameof(Strings.ObjCopyNotFound), Name, UnikraftTarget.BinutilsDebianPackage(Name));
            }
            else
            {
                LogError(nameof(Strings.QemuNotFound), Name, DebianPackage);
            }
        }
    }
}
