// Task: packs the files to bundle into the image as a cpio archive inside an object the link adds.
using Microsoft.Build.Framework;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Writes <see cref="Files"/> into <c>ukinitrd.cpio</c> and turns it with objcopy into <see cref="OutputObject"/>,
/// whose section <c>.uk.initrd</c> and symbols <c>_binary_ukinitrd_cpio_start/_end</c> the kernel core unpacks
/// at boot (each file appears at <c>/</c> + its TargetPath, next to the program in AppContext.BaseDirectory).
/// </summary>
public sealed class BundleUnikraftFiles : UnikraftTask
{
    /// <summary>The files; metadata <c>TargetPath</c> (or <c>RelativePath</c>) is the path in the image.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = [];

    /// <summary>The object to write, e.g. <c>obj/…/native/ukinitrd.o</c>.</summary>
    [Required]
    public string OutputObject { get; set; } = "";

    /// <summary>The <c>ld -m</c> emulation of the pack, which selects the object format.</summary>
    [Required]
    public string LdEmulation { get; set; } = "";

    /// <summary>objcopy: a name on PATH or a path. Default <c>objcopy</c>.</summary>
    public string ObjCopy { get; set; } = "objcopy";

    /// <inheritdoc />
    protected override void ExecuteCore()
    {
        (string format, string architecture) = LdEmulation switch
        {
            "elf_x86_64" => ("elf64-x86-64", "i386:x86-64"),
            "aarch64elf" or "aarch64linux" => ("elf64-littleaarch64", "aarch64"),
            _ => throw new UnikraftException(nameof(Strings.InvalidPropertyValue), "UnikraftLdEmulation", LdEmulation, "no object format is known for it"),
        };
        string objcopy = ExecutableSearch.Find(ObjCopy)
            ?? throw new UnikraftException(nameof(Strings.ObjCopyNotFound), ObjCopy, UnikraftTarget.BinutilsDebianPackage(ObjCopy));

        var contents = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (ITaskItem item in Files)
        {
            string target = item.GetMetadata("TargetPath");
            if (target.Length == 0)
            {
                target = item.GetMetadata("RelativePath");
            }

            target = target.Replace('\\', '/').TrimStart('/');
            if (target.Length == 0 || target.Split('/').Any(part => part is "" or "." or ".."))
            {
                throw new UnikraftException(nameof(Strings.BundledFileInvalid), item.ItemSpec, target);
            }

            if (!File.Exists(item.ItemSpec))
            {
                throw new UnikraftException(nameof(Strings.BundledFileMissing), item.ItemSpec);
            }

            contents[target] = File.ReadAllBytes(item.ItemSpec);
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(OutputObject))!;
        Directory.CreateDirectory(directory);
        string archive = Path.Combine(directory, "ukinitrd.cpio");
        using (FileStream stream = File.Create(archive))
        {
            CpioArchive.Write(stream, contents);
        }

        LogMessage(MessageImportance.Normal, $"Bundling {contents.Count} file(s) into the image: {string.Join(", ", contents.Keys)}");
        // Run in the archive's folder with its bare name, so that the symbols are _binary_ukinitrd_cpio_*.
        ProcessResult result = ProcessRunner.Run(objcopy,
            ["-I", "binary", "-O", format, "-B", architecture,
             "--rename-section", ".data=.uk.initrd,alloc,load,readonly,data,contents",
             "ukinitrd.cpio", Path.GetFullPath(OutputObject)],
            directory);
        if (result.ExitCode != 0)
        {
            throw new UnikraftException(nameof(Strings.BundleFailed), objcopy, result.ExitCode, string.Join(" ", result.StandardError));
        }
    }
}
