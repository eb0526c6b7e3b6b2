// Builds the ld argument list of docs/runtime-pack.md ("Link line") from the link inputs.
namespace Unikraft.Sdk.Tasks;

/// <summary>The inputs of one unikernel link.</summary>
/// <param name="NativeDirectory">The runtime pack's native folder (libukcore.a, musl, unikraft.ld …).</param>
/// <param name="LdEmulation">The <c>ld -m</c> emulation, e.g. <c>elf_x86_64</c>.</param>
/// <param name="ApplicationObject">The object that ilc wrote for the program.</param>
/// <param name="NativeLibraries">The NativeAOT archives and objects, in dependency order.</param>
/// <param name="OutputImage">The image to write.</param>
/// <param name="KeepDebugSymbols">False adds <c>--strip-debug</c>.</param>
/// <param name="HasCrtBeginEnd">The pack has crtbeginT.o and crtend.o: link them after crti.o and before crtn.o.</param>
/// <param name="Networking">True links the kernel core with its network stack (libukcore.a), false the one without
/// (libukcore-nonet.a); see <see cref="KernelNetworking"/>.</param>
public sealed record LinkInputs(
    string NativeDirectory,
    string LdEmulation,
    string ApplicationObject,
    IReadOnlyList<string> NativeLibraries,
    string OutputImage,
    bool KeepDebugSymbols,
    bool HasCrtBeginEnd = false,
    bool Networking = true);

/// <summary>Turns <see cref="LinkInputs"/> into the exact argument list that <c>ld</c> receives.</summary>
public static class LinkCommandLine
{
    /// <summary>GCC's static-program start and end objects, present in arm64 packs.</summary>
    public const string CrtBegin = "crtbeginT.o", CrtEnd = "crtend.o";

    /// <summary>True when the pack in <paramref name="nativeDirectory"/> has both <see cref="CrtBegin"/> and <see cref="CrtEnd"/>.</summary>
    public static bool PackHasCrtBeginEnd(string nativeDirectory) =>
        File.Exists(Path.Combine(nativeDirectory, CrtBegin)) && File.Exists(Path.Combine(nativeDirectory, CrtEnd));

    /// <summary>True when the pack in <paramref name="nativeDirectory"/> has the kernel core without networking (older packs do not).</summary>
    public static bool PackHasNoNetworkCore(string nativeDirectory) =>
        File.Exists(Path.Combine(nativeDirectory, KernelNetworking.NoNetworkCoreArchive));

    /// <summary>True for the inputs ld can link statically: archives and objects.</summary>
    public static bool IsLinkable(string path) =>
        path.EndsWith(".a", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".o", StringComparison.OrdinalIgnoreCase);

    /// <summary>Builds the arguments; <see cref="LinkInputs.NativeLibraries"/> must already be filtered.</summary>
    public static IReadOnlyList<string> Build(LinkInputs inputs)
    {
        string Pack(string file) => Path.Combine(inputs.NativeDirectory, file);

        var arguments = new List<string>
        {
            "-static", "-nostdlib", "-m", inputs.LdEmulation, "--eh-frame-hdr", "--gc-sections", "-z", "noexecstack",
            // libukcompat.a's bisecting pthread_getattr_np for the main thread in front of musl's page-by-page probe.
            "--wrap=pthread_getattr_np",
            "-T", Pack("unikraft.ld"), "-o", inputs.OutputImage,
            "--whole-archive", Pack(inputs.Networking ? KernelNetworking.CoreArchive : KernelNetworking.NoNetworkCoreArchive),
            "--no-whole-archive",
            Pack("crt1.o"), Pack("crti.o"), inputs.ApplicationObject,
        };
        // GCC's crtbeginT.o/crtend.o (arm64 packs) bracket the program's objects like gcc -static places them.
        if (inputs.HasCrtBeginEnd)
        {
            arguments.Insert(arguments.IndexOf(Pack("crti.o")) + 1, Pack(CrtBegin));
        }

        arguments.AddRange(inputs.NativeLibraries);
        arguments.AddRange([Pack("libukcompat.a"), Pack("libc.a"), Pack("libgcc.a"), Pack("libgcc_eh.a")]);
        if (inputs.HasCrtBeginEnd)
        {
            arguments.Add(Pack(CrtEnd));
        }

        arguments.Add(Pack("crtn.o"));
        if (!inputs.KeepDebugSymbols)
        {
            arguments.Add("--strip-debug");
        }

        return arguments;
    }

    /// <summary>The command as a shell would show it, for logs.</summary>
    public static string Format(string linker, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { linker }.Concat(arguments).Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '\\' or '$')
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
