// Boots tests/apps/Probe (published once per RID) in its modes on QEMU, every check on x86_64 (microvm) and arm64
// (virt, TCG): output, arguments and environment, GC, threads, exit codes, unhandled exceptions, bad command lines;
// the modes that check Linux's behaviour (poll, epoll, loopback sockets blocking and async) also run natively on
// the host, and must agree.
using System.Globalization;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class ProbeBootTests
{
    public static IEnumerable<object[]> Rids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    /// <summary>Probe modes that check themselves and print "NAME: PASS" (and, for some, one more line).</summary>
    public static IEnumerable<object[]> SelfCheckingModes =>
        from rid in new[] { BootTarget.QemuX64, BootTarget.QemuArm64 }
        from mode in new (string Mode, string Pass, string? Also, string Name)[]
        {
            ("gc", "GC: PASS", null, "GivenAllocationChurn_TheGarbageCollectorRuns"),
            ("threads", "THREADS: PASS", null, "GivenThreads_TheyRunJoinAndCountExactly"),
            ("exceptions", "EXCEPTIONS: PASS", null, "GivenHardwareFaults_TheyBecomeManagedExceptions"),
            ("spingc", "SPINGC: PASS", null, "GivenAThreadSpinningInManagedCode_TheGcStillSuspendsIt"),
            ("files", "FILES: PASS", null, "GivenFileOperations_TmpBundledFilesAndProcWork"),
            ("tls", "TLS: PASS", "protocol=Tls13", "GivenTwoSslStreams_TheyShakeHandsOverTls13AndEcho"),
        }
        select BootTarget.Row(rid, (rid, mode.Mode, mode.Pass, mode.Also), mode.Name);

    /// <summary>Probe modes whose checks are Linux's behaviour: the same program run natively on the host passes them too.</summary>
    public static IEnumerable<object[]> LinuxComparedModes =>
        from rid in new[] { BootTarget.QemuX64, BootTarget.QemuArm64 }
        from mode in new (string Mode, string Pass, string Name)[]
        {
            ("poll", "POLL: PASS", "GivenPipesAnEventfdAndDevNull_PollAndSelectReportReadinessAsLinuxDoes"),
            ("epoll", "EPOLL: PASS", "GivenPipesEventfdsAndNestedInstances_EpollBehavesAsOnLinux"),
            ("inotify", "INOTIFY: PASS", "GivenInotifyInstances_WatchesAndTheirErrorsAreAsOnLinux"),
            ("net", "NET: PASS", "GivenLoopbackSockets_TcpUdpDualStackAndErrorsBehaveAsOnLinux"),
            ("net-async", "NET-ASYNC: PASS", "GivenAsyncSockets_AHundredConcurrentEchoConnectionsAndUdpWork"),
        }
        select BootTarget.Row(rid, (rid, mode.Mode, mode.Pass), mode.Name);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<CommandResult>> NativeRuns = new();

    public static IEnumerable<object[]> ExitCodes =>
        from rid in new[] { BootTarget.QemuX64, BootTarget.QemuArm64 }
        from code in new[] { 3, 127, 200 }
        select BootTarget.Row(rid, (rid, code));

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenHello_ItGreetsAndExitsZero(string rid)
    {
        CommandResult result = BootTarget.Of(rid).HelloBoot;

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, BootTarget.Greeting);
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenArgumentsAndEnvironment_TheProgramSeesThemExactly(string rid)
    {
        CommandResult result = BootTarget.Of(rid).Boot(["--kernel-args", "env.GREETING=hi"], "echo", "a", "b c", "");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "argc=3");
        StringAssert.Contains(result.Output, "arg[0]=<a>");
        StringAssert.Contains(result.Output, "arg[1]=<b c>");
        StringAssert.Contains(result.Output, "arg[2]=<>");
        StringAssert.Contains(result.Output, "env[GREETING]=<hi>");
        StringAssert.Contains(result.Output, "env[PATH]=<(unset)>");
        StringAssert.Contains(result.Output, $"rid={rid}");
    }

    /// <summary>The smallest VM the runtime starts in: 64 MiB on x86_64, 128 MiB on arm64.</summary>
    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenMoreAllocationThanTheVmHolds_TheProgramGetsOutOfMemoryExceptionAndRecovers(string rid)
    {
        BootTarget target = BootTarget.Of(rid);

        CommandResult result = target.Boot(["--memory", target.IsArm64 ? "128M" : "64M"], "oom");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "OutOfMemoryException after");
        StringAssert.Contains(result.Output, "OOM: PASS");
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenStandardInput_ConsoleReadLineGetsTheLineAndThenItsEnd(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();

        CommandResult result = target.Launch(target.Image("Probe"), [], ["readline"], standardInput: "Ada Lovelace\n");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "got <Ada Lovelace> then <(eof)>");
    }

    /// <summary>
    /// 3,000 lines (60 KB, more than the launcher's stdin window) through the console UART's receive FIFO: input used
    /// to stop for good when a byte arrived while the interrupt handler was finishing (the PL011's interrupt was
    /// cleared after the drain).
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenMuchStandardInput_EveryLineArrives(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        var random = new Random(1);
        var input = new System.Text.StringBuilder();
        int characters = 0;
        for (int i = 0; i < 3000; i++)
        {
            int length = random.Next(0, 41);
            characters += length;
            input.Append(new string('a', length).Select(_ => (char)('a' + random.Next(10))).ToArray()).Append('\n');
        }

        CommandResult result = target.Launch(target.Image("Probe"), [], ["readlines"], standardInput: input.ToString());

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"read 3000 lines, {characters} characters");
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenAnEventfd_PollWakesWhenItIsWrittenAndReadTakesTheCount(string rid)
    {
        CommandResult result = BootTarget.Of(rid).Boot("eventfd");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "poll=1 revents=1 read=8 value=");
        StringAssert.Contains(result.Output, "EVENTFD: done");
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenUnboundedRecursion_TheStackOverflowIsReportedAndTheExitIsNonZero(string rid)
    {
        CommandResult result = BootTarget.Of(rid).Boot("overflow");

        Assert.AreEqual(139, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "stack overflow in thread 1");
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenSleeps_TheyLastAboutAsLongAsAsked(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        DateTime before = DateTime.UtcNow;

        CommandResult result = target.Boot("sleep");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var match = System.Text.RegularExpressions.Regex.Match(result.Output, @"utc=(\S+)");
        Assert.IsTrue(match.Success, result.ToString());
        DateTime guest = DateTime.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToUniversalTime();
        Assert.IsTrue(guest >= before.AddSeconds(-1) && guest <= DateTime.UtcNow.AddSeconds(1), $"guest clock {guest:O}, host {before:O}");
    }

    [TestMethod]
    [DynamicData(nameof(SelfCheckingModes))]
    public void GivenASelfCheckingMode_ItPrintsPassAndExitsZero(string rid, string mode, string pass, string? alsoPrinted)
    {
        CommandResult result = BootTarget.Of(rid).Boot(mode);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, pass);
        StringAssert.Contains(result.Output, alsoPrinted ?? pass);
    }

    /// <summary>
    /// The mode run natively (tests/apps/Probe as a NativeAOT Linux executable, once per run) and in the unikernel: both
    /// print the verdict, and every check the unikernel prints, Linux printed with the same outcome.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(LinuxComparedModes))]
    public void GivenAModeCheckedAgainstLinux_TheUnikernelPassesWhatLinuxPasses(string rid, string mode, string pass)
    {
        CommandResult native = NativeRuns.GetOrAdd(mode, m => new Lazy<CommandResult>(() =>
            Command.Run(TestImages.PublishNative(Repository.PathOf("tests", "apps", "Probe")), [m], timeout: TimeSpan.FromMinutes(2)))).Value;
        Assert.AreEqual(0, native.ExitCode, $"natively on Linux:\n{native}");
        StringAssert.Contains(native.Output, pass);

        CommandResult result = BootTarget.Of(rid).Boot(mode);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, pass);
        Dictionary<string, string> linux = Checks(native.Output);
        foreach ((string check, string outcome) in Checks(result.Output))
        {
            if (linux.TryGetValue(check, out string? onLinux))
            {
                Assert.AreEqual(onLinux, outcome, $"'{check}' natively and in the unikernel\n{result}\nnatively:\n{native.Output}");
            }
        }
    }

    /// <summary>The "check: ok|FAIL detail" lines of a self-checking mode, by check.</summary>
    private static Dictionary<string, string> Checks(string output) =>
        System.Text.RegularExpressions.Regex.Matches(output, @"^(?<check>.+?): (?<outcome>ok|FAIL)\b", System.Text.RegularExpressions.RegexOptions.Multiline)
            .GroupBy(m => m.Groups["check"].Value)
            .ToDictionary(g => g.Key, g => g.Last().Groups["outcome"].Value);

    /// <summary>x86_64: isa-debug-exit and the control line; arm64: semihosting SYS_EXIT with the code.</summary>
    [TestMethod]
    [DynamicData(nameof(ExitCodes))]
    public void GivenAnExitCode_TheLauncherReturnsIt(string rid, int code)
    {
        CommandResult result = BootTarget.Of(rid).Boot("exit", code.ToString(CultureInfo.InvariantCulture));

        Assert.AreEqual(code, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"exiting with {code}");
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenAnUnhandledException_TheStackTraceIsPrintedAndTheExitIsSigabrt(string rid)
    {
        CommandResult result = BootTarget.Of(rid).Boot("throw");

        Assert.AreEqual(134, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "System.InvalidOperationException: unhandled on purpose");
        StringAssert.Contains(result.Output, "SIGABRT");
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenEnvironmentFailFast_TheMessageIsPrintedAndTheExitIsSigabrt(string rid)
    {
        CommandResult result = BootTarget.Of(rid).Boot("failfast");

        Assert.AreEqual(134, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "failing fast on purpose");
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenAnUnknownKernelOption_TheBootStopsWithTheSyntax(string rid)
    {
        CommandResult result = BootTarget.Of(rid).Boot(["--kernel-args", "uk.bogus=1"], "hello");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "bad kernel command line: unknown kernel option: 'uk.bogus=1'");
        Assert.DoesNotContain("Hello from", result.Output);
    }
}
