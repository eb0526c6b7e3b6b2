// Runs the BCL conformance program (tests/apps/Conformance) inside the unikernel on each RID and machine type
// and under preemption stress; every check must print PASS and none FAIL.
namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class ConformanceTests
{
    private static readonly string[] Checks =
    [
        "clock", "interlocked-threads", "monitor-contention", "parallel-for", "thread-pool", "task-delay-timers",
        "async-await-chain", "gc-churn", "loh", "finalizers", "gc-memory-info", "exceptions", "random", "crypto",
        "files", "environment",
    ];

    /// <summary>rid, accelerator, machine, extra kernel options.</summary>
    public static IEnumerable<object[]> Runs =>
    [
        BootTarget.Row(BootTarget.QemuX64, (BootTarget.QemuX64, "tcg", "microvm", ""), "GivenMicrovm_EveryCheckPasses"),
        BootTarget.Row(BootTarget.QemuX64, (BootTarget.QemuX64, "tcg", "q35", ""), "GivenQ35_EveryCheckPasses"),
        BootTarget.Row(BootTarget.QemuX64, (BootTarget.QemuX64, "tcg", "microvm", "uk.slice_us=200"), "GivenShortTimeSlices_EveryCheckPasses"),
        BootTarget.Row(BootTarget.QemuX64, (BootTarget.QemuX64, "kvm", "q35", ""), "GivenQ35WithKvm_EveryCheckPasses"),
        BootTarget.Row(BootTarget.QemuX64, (BootTarget.QemuX64, "kvm", "microvm", ""), "GivenKvm_EveryCheckPasses"),
        BootTarget.Row(BootTarget.QemuArm64, (BootTarget.QemuArm64, "tcg", "virt", ""), "GivenVirt_EveryCheckPasses"),
    ];

    [TestMethod]
    [DynamicData(nameof(Runs))]
    public void GivenTheConformanceProgram_EveryCheckPasses(string rid, string accel, string machine, string kernelArgs)
    {
        if (accel == "kvm" && !File.Exists("/dev/kvm"))
        {
            Prerequisite.Unavailable("no /dev/kvm on this host (hardware KVM is in no registry)");
        }

        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        string image = target.Image("Conformance");
        string now = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);

        CommandResult result = target.Launch(
            image,
            ["--memory", "256M", "--accel", accel, "--machine", machine, "--kernel-args", $"env.CONFORMANCE=yes {kernelArgs}".Trim()],
            [now],
            timeout: TimeSpan.FromMinutes(5));

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        foreach (string check in Checks)
        {
            StringAssert.Contains(result.Output, $"PASS {check}", result.ToString());
        }

        Assert.DoesNotContain("FAIL ", result.Output, result.ToString());
        StringAssert.Contains(result.Output, $"SUMMARY {Checks.Length} passed, 0 failed", result.ToString());
    }
}
