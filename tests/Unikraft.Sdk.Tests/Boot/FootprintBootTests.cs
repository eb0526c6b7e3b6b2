// The footprint bounds of issue 14 on each architecture: a program runs in 8 MiB of RAM and the conformance
// program in 24 MiB, and uk.log=debug shows the boot timeline and where the RAM went.
namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class FootprintBootTests
{
    public static IEnumerable<object[]> Rids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenEightMiBOfRam_HelloRuns(string rid)
    {
        BootTarget target = BootTarget.Of(rid);

        CommandResult result = target.Launch(target.SampleHello(), ["--memory", "8M"], ["a"]);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "Hello from a .NET unikernel!", result.ToString());
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenTheDebugLog_TheKernelPrintsTheBootTimelineAndTheMemoryBreakdown(string rid)
    {
        BootTarget target = BootTarget.Of(rid);

        CommandResult result = target.Launch(target.SampleHello(), ["--kernel-args", "uk.log=debug"], []);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "timeline (ms since entry): entry 0.000 cpu ", result.ToString());
        foreach (string stage in new[] { " clock ", " devices ", " program ", " syscall ", " output ", " exit " })
        {
            StringAssert.Contains(result.Output, stage, $"the timeline names the stage '{stage.Trim()}'");
        }

        StringAssert.Contains(result.Output, "memory at the program's start (KiB, peak in parentheses): RAM ");
        StringAssert.Contains(result.Output, "memory at exit (KiB, peak in parentheses): RAM ");
        StringAssert.Contains(result.Output, ", program ");
        if (result.Output.Contains("kHz (measured)", StringComparison.Ordinal))
        {
            // x86_64 without kvmclock (TCG): the TSC's rate from a 1 ms window of the PIT is refined from a window of
            // 10 ms or more by a kernel timer while the program runs; the two rates agree to 2%.
            var refined = System.Text.RegularExpressions.Regex.Match(result.Output, @"time: over (\d+) ms, tsc (\d+) kHz \((\d+) over 1 ms\)");
            Assert.IsTrue(refined.Success, "the TSC's rate was refined: " + result);
            Assert.IsTrue(int.Parse(refined.Groups[1].Value) >= 10, refined.Value);
            double ratio = double.Parse(refined.Groups[2].Value) / double.Parse(refined.Groups[3].Value);
            Assert.IsTrue(ratio is > 0.98 and < 1.02, refined.Value);
        }
    }

    /// <summary>Every check but "loh" (one array of 50 MiB, more than the VM holds: OutOfMemoryException) passes.</summary>
    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenTwentyFourMiBOfRam_TheConformanceProgramRunsToItsSummary(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        string image = target.Image("Conformance");
        string now = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);

        CommandResult result = target.Launch(image, ["--memory", "24M", "--kernel-args", "env.CONFORMANCE=yes"], [now],
            timeout: TimeSpan.FromMinutes(5));

        StringAssert.Contains(result.Output, "SUMMARY ", result.ToString());
        string[] failed = result.Output.Split('\n').Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal)).ToArray();
        Assert.IsTrue(failed.All(l => l.StartsWith("FAIL loh:", StringComparison.Ordinal)), result.ToString());
    }
}
