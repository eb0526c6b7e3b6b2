// Runs the BCL conformance program (tests/apps/Conformance) inside the unikernel on each machine type
// and under preemption stress; every check must print PASS and none FAIL.
namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
public sealed class ConformanceTests
{
    private static readonly string[] Checks =
    [
        "clock", "interlocked-threads", "monitor-contention", "parallel-for", "thread-pool", "task-delay-timers",
        "async-await-chain", "gc-churn", "loh", "finalizers", "gc-memory-info", "exceptions", "random", "crypto",
        "files", "environment",
    ];

    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(Unikraft.Launcher.LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    private static CommandResult Run(string accel, string machine, string kernelArgs)
    {
        HostTools.Require("qemu-system-x86_64", "ld");
        string image = TestImages.Publish(Repository.PathOf("tests", "apps", "Conformance"));
        string now = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);
        return Command.Run(
            "dotnet",
            ["exec", LauncherPath, "--image", image, "--memory", "256M", "--accel", accel, "--machine", machine,
             "--kernel-args", $"env.CONFORMANCE=yes {kernelArgs}".Trim(), "--", now],
            timeout: TimeSpan.FromMinutes(5));
    }

    private static void AssertAllPass(CommandResult result)
    {
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        foreach (string check in Checks)
        {
            StringAssert.Contains(result.Output, $"PASS {check}", result.ToString());
        }

        Assert.DoesNotContain("FAIL ", result.Output, result.ToString());
        StringAssert.Contains(result.Output, $"SUMMARY {Checks.Length} passed, 0 failed");
    }

    [TestMethod]
    public void GivenMicrovm_EveryCheckPasses() => AssertAllPass(Run("tcg", "microvm", ""));

    [TestMethod]
    public void GivenQ35_EveryCheckPasses() => AssertAllPass(Run("tcg", "q35", ""));

    [TestMethod]
    public void GivenShortTimeSlices_EveryCheckPasses() => AssertAllPass(Run("tcg", "microvm", "uk.slice_us=200"));

    [TestMethod]
    public void GivenQ35WithKvm_EveryCheckPasses()
    {
        if (!File.Exists("/dev/kvm"))
        {
            Prerequisite.Unavailable("no /dev/kvm on this host (hardware KVM is in no registry)");
        }

        AssertAllPass(Run("kvm", "q35", ""));
    }

    [TestMethod]
    public void GivenKvm_EveryCheckPasses()
    {
        if (!File.Exists("/dev/kvm"))
        {
            Prerequisite.Unavailable("no /dev/kvm on this host (hardware KVM is in no registry)");
        }

        AssertAllPass(Run("kvm", "microvm", ""));
    }
}
