// Resource exhaustion ends with Linux's answer, never a hang or a kernel panic (tests/apps/Probe, ExhaustionProbe.cs):
// a full fd table is EMFILE, a full /tmp on a small VM is ENOSPC and the program goes on, too many threads is
// clone's EAGAIN as a managed exception, and a stack overflow on a secondary thread is reported for that thread
// with Linux's exit (SIGSEGV, 139), and with the program holding all memory the kernel's calls fail with managed
// exceptions, then work again. Exhausting managed memory (OutOfMemoryException) is ProbeBootTests's "oom".
namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class ExhaustionBootTests
{
    public static IEnumerable<object[]> Rids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenAFullFdTable_OpenFailsWithEmfileAndWorksOnceClosed(string rid)
    {
        CommandResult result = BootTarget.Of(rid).Boot("emfile");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "errno=24");
        StringAssert.Contains(result.Output, "EMFILE: PASS");
    }

    /// <summary>1 GiB written to /tmp (the ramfs, in RAM) on the smallest VM the runtime starts in.</summary>
    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenAGigabyteWrittenToTmpOnASmallVm_TheWriteFailsWithEnospcAndTheProgramGoesOn(string rid)
    {
        BootTarget target = BootTarget.Of(rid);

        CommandResult result = target.Boot(["--memory", target.IsArm64 ? "128M" : "64M"], "enospc");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "errno=28 No space left on device");
        StringAssert.Contains(result.Output, "ENOSPC: PASS");
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenThreadsUntilNoneCanStart_TheStartThrowsAndTheProgramGoesOn(string rid)
    {
        BootTarget target = BootTarget.Of(rid);

        CommandResult result = target.Boot(["--memory", target.IsArm64 ? "128M" : "64M"], "threadlimit");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "THREADLIMIT: PASS");
    }

    /// <summary>
    /// Threads get .NET's 1.5 MiB stacks, which count by the pages they touch once clone() names them: 48 waiting
    /// threads (72 MiB of stacks) start in a 32 MiB VM (48 MiB on arm64, whose image is larger).
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenMoreThreadsThanTheirStacksWouldFillWhole_ASmallVmRunsThemAll(string rid)
    {
        BootTarget target = BootTarget.Of(rid);

        CommandResult result = target.Boot(["--memory", target.IsArm64 ? "48M" : "32M"], "idle-threads", "48");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "48 threads started");
        StringAssert.Contains(result.Output, "IDLE-THREADS: PASS");
    }

    /// <summary>The program holds (and touches) all the native memory the kernel grants; pipes, files, threads and timers need the kernel's.</summary>
    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenTheProgramHoldingAllMemory_KernelCallsFailWithManagedExceptionsAndWorkOnceItIsBack(string rid)
    {
        BootTarget target = BootTarget.Of(rid);

        CommandResult result = target.Boot(["--memory", target.IsArm64 ? "128M" : "64M"], "kheap");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "KHEAP: PASS");
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenUnboundedRecursionOnASecondThread_TheOverflowIsReportedForThatThread(string rid)
    {
        CommandResult result = BootTarget.Of(rid).Boot("overflow-thread");

        Assert.AreEqual(139, result.ExitCode, result.ToString());
        StringAssert.Matches(result.Output, new System.Text.RegularExpressions.Regex(@"stack overflow in thread ([2-9]|\d\d+)"));
        Assert.IsFalse(result.Output.Contains("OVERFLOW-THREAD: FAIL", StringComparison.Ordinal), result.ToString());
    }
}
