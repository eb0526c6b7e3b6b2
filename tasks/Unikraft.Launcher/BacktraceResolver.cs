// Names the functions of a kernel panic's backtrace: the image carries no symbols, the ELF beside it does.
using System.Diagnostics;

namespace Unikraft.Launcher;

/// <summary>
/// After a kernel panic the console holds the backtrace as bare addresses (the image has no symbol tables). When
/// <c>&lt;image&gt;.elf</c> is beside the image (or the image keeps its symbols) and binutils' addr2line for the
/// image's architecture is installed, the launcher prints each frame with its function and source line.
/// </summary>
public static class BacktraceResolver
{
    /// <summary>addr2line for the image's architecture (<c>x64</c> or <c>arm64</c>).</summary>
    public static string Tool(string architecture) => architecture == "arm64" ? "aarch64-linux-gnu-addr2line" : "addr2line";

    /// <summary>The ELF with the symbols of <paramref name="image"/>: <c>&lt;image&gt;.elf</c>, else the image when it is an ELF.</summary>
    public static string? SymbolFile(string image)
    {
        if (File.Exists(image + ".elf"))
        {
            return image + ".elf";
        }

        using FileStream file = File.OpenRead(image);
        Span<byte> magic = stackalloc byte[4];
        return file.Read(magic) == 4 && magic.SequenceEqual("\u007fELF"u8) ? image : null;
    }

    /// <summary>One line per address, <c>#N 0x… function at file:line</c>, from addr2line's pairs of lines.</summary>
    public static IReadOnlyList<string> Format(IReadOnlyList<ulong> addresses, IReadOnlyList<string> addr2lineOutput)
    {
        var lines = new List<string>();
        for (int i = 0; i < addresses.Count; i++)
        {
            string function = 2 * i < addr2lineOutput.Count ? addr2lineOutput[2 * i] : "??";
            string place = 2 * i + 1 < addr2lineOutput.Count ? addr2lineOutput[2 * i + 1] : "??:0";
            lines.Add($"  #{i} 0x{addresses[i]:x} {function}" + (place.Contains('?', StringComparison.Ordinal) ? "" : $" at {place}"));
        }

        return lines;
    }

    /// <summary>Prints the resolved backtrace on stderr; does nothing without addresses, symbols or addr2line.</summary>
    public static void Print(string image, string architecture, IReadOnlyList<ulong>? addresses)
    {
        if (addresses is not { Count: > 0 } || SymbolFile(image) is not { } elf ||
            Unikraft.Sdk.ExecutableSearch.Find(Tool(architecture)) is not { } tool)
        {
            return;
        }

        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { "-f", "-e", elf }.Concat(addresses.Select(a => $"0x{a:x}")))
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        List<string> output = [];
        while (process.StandardOutput.ReadLine() is { } line)
        {
            output.Add(line);
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            return;
        }

        Console.Error.WriteLine($"unikraft: the kernel's backtrace, resolved with {elf}:");
        foreach (string line in Format(addresses, output))
        {
            Console.Error.WriteLine(line);
        }
    }
}
