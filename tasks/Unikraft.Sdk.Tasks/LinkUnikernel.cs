// Task: links the NativeAOT program, musl and the kernel core into one image, then patches .uk.appinfo.
using Microsoft.Build.Framework;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Runs the link line of docs/runtime-pack.md with GNU ld into <c>&lt;image&gt;.elf</c> and writes the program name,
/// default command line and program header location into its .uk.appinfo. The image is made from that ELF: for the
/// image format <c>arm64-image</c> the arm64 Image (<see cref="Arm64Image"/>), for <c>elf</c> a copy without the
/// symbol tables (<c>objcopy --strip-all</c>; with <see cref="Debug"/> an exact copy), so the ELF beside it serves
/// gdb and addr2line. ld's stderr lines become UKSDK1021 errors (UKSDK1022 warnings when ld succeeds); a failed
/// link or patch deletes the image so that the next build links again.
/// </summary>
public sealed class LinkUnikernel : UnikraftTask
{
    /// <summary>The object that ilc compiled the program into ($(NativeObject)).</summary>
    [Required]
    public string NativeObject { get; set; } = "";

    /// <summary>The NativeAOT runtime archives in link order (@(NativeLibrary)); only .a and .o are linked.</summary>
    public ITaskItem[] NativeLibraries { get; set; } = [];

    /// <summary>The runtime pack's native folder (from ResolveUnikraftRuntimePack).</summary>
    [Required]
    public string RuntimePackNativeDirectory { get; set; } = "";

    /// <summary>The <c>ld -m</c> emulation (from the pack's pack.json).</summary>
    [Required]
    public string LdEmulation { get; set; } = "";

    /// <summary>The image to write, e.g. <c>bin/…/native/Hello.qemu</c>.</summary>
    [Required]
    public string OutputImage { get; set; } = "";

    /// <summary>The program name written to .uk.appinfo (argv[0]); at most 63 UTF-8 bytes.</summary>
    [Required]
    public string AppName { get; set; } = "";

    /// <summary>The linker: a name on PATH or a path. Default <c>ld</c>.</summary>
    public string Linker { get; set; } = "ld";

    /// <summary>True keeps debug information (no <c>--strip-debug</c>) and the symbol tables in an ELF image.</summary>
    public bool Debug { get; set; }

    /// <summary>The objcopy that removes the symbol tables from an ELF image: a name on PATH or a path.</summary>
    public string ObjCopy { get; set; } = "objcopy";

    /// <summary>The kernel command line used when the boot loader passes none; at most 2047 UTF-8 bytes.</summary>
    public string DefaultCommandLine { get; set; } = "";

    /// <summary>The image format of the pack: <c>elf</c> (default) or <c>arm64-image</c>.</summary>
    public string ImageFormat { get; set; } = ImageFormats.Elf;

    /// <summary>UnikraftNetworking: <c>true</c> links the kernel's network stack, <c>false</c> leaves it out, <c>auto</c>
    /// (default) links it when the program can use it (<see cref="KernelNetworking"/>). A pack without
    /// libukcore-nonet.a always links it.</summary>
    public string Networking { get; set; } = KernelNetworking.Auto;

    /// <summary>The default stack size of the program's threads in bytes ($(IlcDefaultStackSize), as NativeAOT names it);
    /// empty or 0 leaves musl's 128 KiB.</summary>
    public string DefaultStackSize { get; set; } = "";

    /// <summary>Whether the image got the network stack.</summary>
    [Output]
    public bool NetworkingLinked { get; private set; }

    /// <summary>The linked ELF with its symbols, <c>&lt;image&gt;.elf</c> next to the image.</summary>
    [Output]
    public string LinkedElf { get; private set; } = "";

    /// <summary>The suffix of the linked ELF next to the image.</summary>
    public const string ElfSuffix = ".elf";

    /// <summary>The bounds of <see cref="DefaultStackSize"/>: musl only raises its 128 KiB default through PT_GNU_STACK,
    /// and caps it at 8 MiB.</summary>
    public const long MinimumStackSize = 128 << 10, MaximumStackSize = 8 << 20;

    /// <summary>The arguments that ld received, for logs and tests.</summary>
    [Output]
    public string[] LinkerArguments { get; private set; } = [];

    /// <inheritdoc />
    protected override void ExecuteCore()
    {
        if (!ImageFormats.IsKnown(ImageFormat))
        {
            throw new UnikraftException(nameof(Strings.InvalidPropertyValue), nameof(ImageFormat), ImageFormat,
                $"expected {string.Join(" or ", ImageFormats.All)}.");
        }

        if (!KernelNetworking.IsValid(Networking))
        {
            throw new UnikraftException(nameof(Strings.InvalidPropertyValue), "UnikraftNetworking", Networking,
                $"expected {KernelNetworking.Auto}, {KernelNetworking.Yes} or {KernelNetworking.No}.");
        }

        long stackSize = 0;
        if (DefaultStackSize.Length > 0 &&
            (!long.TryParse(DefaultStackSize, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out stackSize) ||
             stackSize is > 0 and < MinimumStackSize or > MaximumStackSize))
        {
            throw new UnikraftException(nameof(Strings.InvalidPropertyValue), "IlcDefaultStackSize", DefaultStackSize,
                $"expected a number of bytes from {MinimumStackSize} to {MaximumStackSize} (0: musl's 128 KiB).");
        }

        string linker = ExecutableSearch.Find(Linker)
            ?? throw new UnikraftException(nameof(Strings.LinkerNotFound), Linker, UnikraftTarget.BinutilsDebianPackage(Linker));
        var libraries = new List<string>();
        foreach (ITaskItem item in NativeLibraries)
        {
            if (LinkCommandLine.IsLinkable(item.ItemSpec))
            {
                libraries.Add(item.ItemSpec);
            }
            else
            {
                LogWarning(nameof(Strings.NativeLibraryIgnored), item.ItemSpec);
            }
        }

        string image = Path.GetFullPath(OutputImage);
        bool convert = ImageFormat != ImageFormats.Elf;
        string elf = image + ElfSuffix;
        string? objcopy = convert || Debug ? null : ExecutableSearch.Find(ObjCopy)
            ?? throw new UnikraftException(nameof(Strings.ObjCopyNotFound), ObjCopy, UnikraftTarget.BinutilsDebianPackage(ObjCopy));
        string mode = Networking.ToLowerInvariant();
        bool networking = mode == KernelNetworking.Yes || !LinkCommandLine.PackHasNoNetworkCore(RuntimePackNativeDirectory);
        var inputs = new LinkInputs(RuntimePackNativeDirectory, LdEmulation, NativeObject, libraries, elf, Debug,
            LinkCommandLine.PackHasCrtBeginEnd(RuntimePackNativeDirectory), networking);
        LinkerArguments = [.. LinkCommandLine.Build(inputs)];
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        File.Delete(image);
        File.Delete(elf);

        LogMessage(MessageImportance.High, $"Linking unikernel image {image}");
        LogMessage(MessageImportance.Normal, LinkCommandLine.Format(linker, LinkerArguments));
        try
        {
            Link(linker, elf);
            if (!networking && mode == KernelNetworking.Auto &&
                KernelNetworking.FindUse(KernelNetworking.DefinedSymbols(File.ReadAllBytes(elf))) is string use)
            {
                LogMessage(MessageImportance.Normal, $"The program uses the network ({use}): linking the kernel's network stack");
                networking = true;
                LinkerArguments = [.. LinkCommandLine.Build(inputs with { Networking = true })];
                LogMessage(MessageImportance.Normal, LinkCommandLine.Format(linker, LinkerArguments));
                File.Delete(elf);
                Link(linker, elf);
            }

            AppInfo.Patch(elf, AppName, DefaultCommandLine);
            if (stackSize > 0)
            {
                ThreadStackSize.Patch(elf, stackSize);
            }

            if (convert)
            {
                Arm64Image.Write(elf, image);
            }
            else if (objcopy is null)
            {
                File.Copy(elf, image, overwrite: true);
            }
            else
            {
                Strip(objcopy, elf, image);
            }
        }
        catch
        {
            File.Delete(image);
            File.Delete(elf);
            throw;
        }

        if (Log.HasLoggedErrors)
        {
            File.Delete(image);
            File.Delete(elf);
            return;
        }

        LinkedElf = elf;
        NetworkingLinked = networking;
    }

    /// <summary>The image without .symtab and .strtab (0.7 MB of a Hello's 2 MB); its loaded bytes are the ELF's.</summary>
    private static void Strip(string objcopy, string elf, string image)
    {
        ProcessResult result = ProcessRunner.Run(objcopy, ["--strip-all", elf, image]);
        if (result.ExitCode != 0)
        {
            throw new UnikraftException(nameof(Strings.StripFailed), image, objcopy, result.ExitCode,
                string.Join(' ', result.StandardError));
        }
    }

    private void Link(string linker, string image)
    {
        ProcessResult result = ProcessRunner.Run(linker, LinkerArguments);
        foreach (string line in result.StandardOutput)
        {
            LogMessage(MessageImportance.Low, line);
        }

        bool failed = result.ExitCode != 0;
        foreach (string line in result.StandardError.Where(l => l.Trim().Length > 0))
        {
            if (failed && !line.Contains("warning:", StringComparison.Ordinal))
            {
                LogError(nameof(Strings.LinkerError), line);
            }
            else
            {
                LogWarning(nameof(Strings.LinkerWarning), line);
            }
        }

        if (failed)
        {
            throw new UnikraftException(nameof(Strings.LinkFailed), image, linker, result.ExitCode);
        }
    }
}
