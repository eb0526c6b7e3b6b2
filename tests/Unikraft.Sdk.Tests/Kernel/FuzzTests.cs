// A short fuzzing pass over the kernel's parsers of outside input (runtime-packs/fuzz): the libFuzzer targets are
// built from the kernel's own sources with clang, AddressSanitizer and UndefinedBehaviorSanitizer, and each one
// runs its committed corpus (real frames, command lines, device trees, archives, and the regressions of bugs it
// found) and then fuzzes for a few seconds. A sanitizer report, a panic, a hang, a leak or a broken invariant of
// a harness is a crash file and a non-zero exit: the test fails and names the file to reproduce it with.
namespace Unikraft.Sdk.Tests.Kernel;

[TestClass]
[TestCategory("Fuzz")]
public sealed class FuzzTests
{
    private const string Clang = "clang-14";
    private const string LibFuzzer = "/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a";

    /// <summary>Seconds of fuzzing per target after its corpus (UKFUZZ_SECONDS overrides; the soak script runs longer).</summary>
    private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("UKFUZZ_SECONDS"), out int s) && s > 0 ? s : 20;

    private static string FuzzDir => Repository.PathOf("runtime-packs", "fuzz");

    /// <summary>The targets, built once for every row (make -C runtime-packs/fuzz).</summary>
    private static readonly Lazy<CommandResult> Build = new(() =>
        Command.Run("make", ["-C", FuzzDir, $"-j{Environment.ProcessorCount}"], timeout: TimeSpan.FromMinutes(20)));

    public static IEnumerable<object[]> Targets =>
        Directory.EnumerateDirectories(Path.Combine(FuzzDir, "corpus")).Order(StringComparer.Ordinal)
            .Select(d => new object[] { Path.GetFileName(d) });

    [TestMethod]
    public void GivenTheFuzzFolder_EveryTargetHasACorpusAndEveryCorpusATarget()
    {
        CommandResult list = Command.Run("make", ["-s", "-C", FuzzDir, "list"]);
        Assert.AreEqual(0, list.ExitCode, list.ToString());
        string[] built = list.Output.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        CollectionAssert.AreEquivalent(Targets.Select(t => (string)t[0]).ToArray(), built, list.ToString());
        foreach (string target in built)
        {
            Assert.IsTrue(Directory.EnumerateFiles(Path.Combine(FuzzDir, "corpus", target)).Count() >= 3,
                $"corpus/{target} needs seeds of real inputs");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Targets))]
    public void GivenItsCorpus_TheTargetFuzzesWithoutFindings(string target)
    {
        if (!HostTools.Has(Clang) || !File.Exists(LibFuzzer))
        {
            Prerequisite.Missing($"Needs {Clang} and libFuzzer ({LibFuzzer}); ./build.sh --test installs clang-14 and libclang-rt-14-dev.");
        }

        if (!File.Exists(Repository.PathOf("artifacts", "lwip", "src", "lwip.json")))
        {
            Prerequisite.Missing("Needs lwIP's source in artifacts/lwip/src (./build.sh unpacks it).");
        }

        Assert.AreEqual(0, Build.Value.ExitCode, Build.Value.ToString());
        string findings = Repository.PathOf("artifacts", "fuzz", "findings");
        string[] before = Directory.Exists(findings) ? Directory.GetFiles(findings, target + "-*") : [];

        CommandResult run = Command.Run(Path.Combine(FuzzDir, "run.sh"), [target, Seconds.ToString()],
            timeout: TimeSpan.FromSeconds(Seconds * 3 + 120));

        string[] after = Directory.Exists(findings) ? Directory.GetFiles(findings, target + "-*") : [];
        string[] found = [.. after.Except(before)];
        Assert.AreEqual(0, run.ExitCode, $"reproduce with artifacts/fuzz/{target} <file> (UKFUZZ_LOG=1 for the kernel's log)\n{run}");
        Assert.AreEqual(0, found.Length, "findings: " + string.Join(", ", found) + "\n" + run);
        // The pass ran the corpus and fuzzed: libFuzzer's final statistics report executed inputs.
        StringAssert.Contains(run.Output, "stat::number_of_executed_units");
        StringAssert.Contains(run.Output, $"fuzz {target}: no findings");
    }
}
