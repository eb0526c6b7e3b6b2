// Builds the kernel command line "[kernel options] [-- program arguments]" of docs/runtime-pack.md.
namespace Unikraft.Launcher;

/// <summary>Joins kernel options and program arguments the way the kernel core splits them again.</summary>
public static class KernelCommandLine
{
    /// <summary>
    /// Returns the command line, or null when there is nothing to pass (then QEMU gets no -append and the
    /// image's default command line applies). Program arguments with blanks, and empty ones, are wrapped
    /// in double quotes, which the kernel uses to group words.
    /// </summary>
    public static string? Build(string kernelArgs, IReadOnlyList<string> programArguments)
    {
        var parts = new List<string>();
        if (kernelArgs.Trim().Length > 0)
        {
            parts.Add(kernelArgs.Trim());
        }

        if (programArguments.Count > 0)
        {
            parts.Add("--");
            parts.AddRange(programArguments.Select(Quote));
        }

        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    private static string Quote(string argument) =>
        argument.Length == 0 || argument.Any(char.IsWhiteSpace) ? "\"" + argument + "\"" : argument;
}
