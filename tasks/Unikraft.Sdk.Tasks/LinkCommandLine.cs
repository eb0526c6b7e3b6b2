// Builds the ld argument list of docs/runtime-pack.md ("Link line") from the link inputs.
namespace Unikraft.Sdk.Tasks;

/// <summary>The inputs of one unikernel link.</summary>
/// <param name="NativeDirectory">The runtime pack's native folder (libukcore.a, musl, unikraft.ld …).</param>
/// <param name="LdEmulation">The <c>ld -m</c> emulation, e.g. <c>elf_x86_64</c>.</param>
/// <param name="ApplicationObject">The object that ilc wrote for the program.</param>
/// <param name="NativeLibraries">The NativeAOT archives and objects, in dependency order.</param>
/// <param name="OutputImage">The image to write.</param>
/// <param name="KeepDebugSymbols">False adds <c>--strip-debug</c>.</param>
public sealed record LinkInputs(
    string NativeDirectory,
    string LdEmulation,
    string ApplicationObject,
    IReadOnlyList<string> NativeLibraries,
    string OutputImage,
    bool KeepDebugSymbols);

/// <summary>Turns <see cref="LinkInputs"/> into the exact argument list that <c>ld</c> receives.</summary>
public static class LinkCommandLine
{
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
            "-T", Pack("unikraft.ld"), "-o", inputs.OutputImage,
            "--whole-archive", Pack("libukcore.a"), "--no-whole-archive",
            Pack("crt1.o"), Pack("crti.o"), inputs.ApplicationObject,
        };
        arguments.AddRange(inputs.NativeLibraries);
        arguments.AddRange([Pack("libukcompat.a"), Pack("libc.a"), Pack("libgcc.a"), Pack("libgcc_eh.a"), Pack("crtn.o")]);
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
