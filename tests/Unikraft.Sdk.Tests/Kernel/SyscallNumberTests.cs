// The kernel's syscall numbers (runtime-packs/kernel/include/uk/syscall_nr_<arch>.h, UK_NR_<name>) against the ones
// musl, the program's libc, was built with (Debian's musl-dev bits/syscall.h, __NR_<name>): one wrong number sends a
// libc call to another syscall, so every UK_NR_ name must be musl's with the same number.
using System.Text.RegularExpressions;

namespace Unikraft.Sdk.Tests.Kernel;

[TestClass]
[TestCategory("Unit")]
public sealed partial class SyscallNumberTests
{
    [GeneratedRegex(@"^\s*#\s*define\s+UK_NR_(\w+)\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex KernelDefine();

    [GeneratedRegex(@"^\s*#\s*define\s+__NR_(\w+)\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex MuslDefine();

    /// <summary>The kernel's header for <paramref name="arch"/>: at its place, else wherever the kernel tree now keeps it.</summary>
    private static string KernelHeader(string arch)
    {
        string name = $"syscall_nr_{arch}.h";
        string usual = Repository.PathOf("runtime-packs", "kernel", "include", "uk", name);
        if (File.Exists(usual))
        {
            return usual;
        }

        string[] found = Directory.GetFiles(Repository.PathOf("runtime-packs", "kernel"), name, SearchOption.AllDirectories);
        Assert.HasCount(1, found, $"expected one {name} under runtime-packs/kernel (the kernel's syscall numbers for {arch})");
        return found[0];
    }

    /// <summary>name → number text of every <c>#define &lt;prefix&gt;name number</c>; a name defined twice keeps both texts.</summary>
    private static Dictionary<string, List<string>> Defines(Regex define, string text)
    {
        var numbers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (Match match in define.Matches(text))
        {
            string name = match.Groups[1].Value;
            if (!numbers.TryGetValue(name, out List<string>? values))
            {
                numbers[name] = values = [];
            }

            values.Add(match.Groups[2].Value);
        }

        return numbers;
    }

    private static long? Number(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(text[2..], System.Globalization.NumberStyles.HexNumber, null, out long hex) ? hex : null
            : long.TryParse(text, System.Globalization.NumberStyles.None, null, out long value) ? value : null;

    [TestMethod]
    [DataRow("x86_64", "x86_64-linux-musl")]
    [DataRow("arm64", "aarch64-linux-musl")]
    public void GivenTheKernelsSyscallTable_EveryNumberIsMuslsForThatArchitecture(string arch, string muslTriple)
    {
        string muslHeader = Path.Combine("/usr/include", muslTriple, "bits", "syscall.h");
        if (!File.Exists(muslHeader))
        {
            Prerequisite.Missing($"Needs {muslHeader} (musl-dev{(arch == "arm64" ? ":arm64" : "")}; ./build.sh installs it).");
        }

        string kernelHeader = KernelHeader(arch);
        Dictionary<string, List<string>> kernel = Defines(KernelDefine(), File.ReadAllText(kernelHeader));
        Dictionary<string, List<string>> musl = Defines(MuslDefine(), File.ReadAllText(muslHeader));
        Assert.IsNotEmpty(kernel, $"{kernelHeader} defines no UK_NR_ names");
        Assert.IsNotEmpty(musl, $"{muslHeader} defines no __NR_ names");

        var mismatches = new List<string>();
        foreach ((string name, List<string> texts) in kernel.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (texts.Count > 1)
            {
                mismatches.Add($"UK_NR_{name} is defined {texts.Count} times ({string.Join(", ", texts)})");
            }

            long? number = Number(texts[0]);
            if (number is null)
            {
                mismatches.Add($"UK_NR_{name} = '{texts[0]}' is not a number");
            }
            else if (!musl.TryGetValue(name, out List<string>? muslTexts))
            {
                mismatches.Add($"UK_NR_{name} = {number}: musl has no __NR_{name}");
            }
            else if (Number(muslTexts[0]) != number)
            {
                mismatches.Add($"UK_NR_{name} = {number}, musl's __NR_{name} = {muslTexts[0]}");
            }
        }

        Assert.IsEmpty(mismatches,
            $"{mismatches.Count} of {kernel.Count} syscall numbers in {kernelHeader} disagree with {muslHeader}:\n" +
            string.Join('\n', mismatches));
    }
}
