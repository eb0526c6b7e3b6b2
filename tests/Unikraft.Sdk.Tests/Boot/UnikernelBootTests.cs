// Publishes tests/apps/Probe once through the real SDK and boots it in QEMU in many modes: output,
// arguments and environment, GC, threads, exit codes, unhandled exceptions, bad command lines.
namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
public sealed class UnikernelBootTests
{
    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(Unikraft.Launcher.LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    private static string ProbeImage()
    {
        HostTools.Require("qemu-system-x86_64", "ld");
        return TestImages.Publish(Repository.PathOf("tests", "apps", "Probe"));
    }

    /// <summary>Boots the probe through the launcher: its options, then <c>--</c> and the program's arguments.</summary>
    private static CommandResult Launch(IReadOnlyList<string> launcherOptions, IEnumerable<string> programArgs) =>
        Command.Run(
            "dotnet",
            ["exec", LauncherPath, "--image", ProbeImage(), .. launcherOptions.Contains("--memory") ? [] : new[] { "--memory", "128M" },
             .. launcherOptions, "--", .. programArgs],
            timeout: TimeSpan.FromMinutes(2));

    private static CommandResult Boot(string accel, string[] kernelArgs, params string[] programArgs) =>
        Launch(kernelArgs.Length > 0 ? ["--accel", accel, "--kernel-args", string.Join(' ', kernelArgs)] : ["--accel", accel], programArgs);

    private static CommandResult Boot(params string[] programArgs) => Boot("tcg", [], programArgs);

    [TestMethod]
    public void GivenHello_ItGreetsAndExitsZero()
    {
        CommandResult result = Boot("hello");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "Hello from a .NET unikernel!");
    }

    [TestMethod]
    public void GivenKvm_HelloBootsThere()
    {
        if (!File.Exists("/dev/kvm"))
        {
            Prerequisite.Unavailable("no /dev/kvm on this host (hardware KVM is in no registry)");
        }

        CommandResult result = Boot("kvm", [], "hello");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "Hello from a .NET unikernel!");
    }

    [TestMethod]
    public void GivenArgumentsAndEnvironment_TheProgramSeesThemExactly()
    {
        CommandResult result = Boot("tcg", ["env.GREETING=hi"], "echo", "a", "b c", "");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "argc=3");
        StringAssert.Contains(result.Output, "arg[0]=<a>");
        StringAssert.Contains(result.Output, "arg[1]=<b c>");
        StringAssert.Contains(result.Output, "arg[2]=<>");
        StringAssert.Contains(result.Output, "env[GREETING]=<hi>");
        StringAssert.Contains(result.Output, "env[PATH]=<(unset)>");
        StringAssert.Contains(result.Output, "rid=unikraft-qemu-x64");
    }

    [TestMethod]
    public void GivenMoreAllocationThanTheVmHolds_TheProgramGetsOutOfMemoryExceptionAndRecovers()
    {
        CommandResult result = Launch(["--accel", "tcg", "--memory", "64M"], ["oom"]);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "OutOfMemoryException after");
        StringAssert.Contains(result.Output, "OOM: PASS");
    }

    [TestMethod]
    public void GivenStandardInput_ConsoleReadLineGetsTheLineAndControlDIsEndOfFile()
    {
        CommandResult result = Command.Run(
            "dotnet",
            ["exec", LauncherPath, "--image", ProbeImage(), "--memory", "128M", "--accel", "tcg", "--", "readline"],
            timeout: TimeSpan.FromMinutes(2),
            standardInput: "Ada Lovelace\n\u0004");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "got <Ada Lovelace> then <(eof)>");
    }

    [TestMethod]
    public void GivenControlCOnTheConsole_CancelKeyPressRuns()
    {
        // The ^C must arrive after the program subscribed (the line discipline acts on input as it comes).
        string launch = string.Join(' ', new[] { "dotnet", "exec", LauncherPath, "--image", ProbeImage(), "--memory", "128M",
            "--accel", "tcg", "--", "cancelkey" }.Select(a => "'" + a + "'"));
        CommandResult result = Command.Run("bash", ["-c", $"(sleep 5; printf '\\003') | {launch}"], timeout: TimeSpan.FromMinutes(2));

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "CANCELKEY: PASS");
    }

    [TestMethod]
    public void GivenAnEventfd_PollWakesWhenItIsWrittenAndReadTakesTheCount()
    {
        CommandResult result = Boot("eventfd");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "poll=1 revents=1 read=8 value=");
        StringAssert.Contains(result.Output, "EVENTFD: done");
    }

    [TestMethod]
    public void GivenUnboundedRecursion_TheStackOverflowIsReportedAndTheExitIsNonZero()
    {
        CommandResult result = Boot("overflow");

        Assert.AreEqual(139, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "stack overflow in thread 1");
    }

    [TestMethod]
    public void GivenSleeps_TheyLastAboutAsLongAsAsked()
    {
        DateTime before = DateTime.UtcNow;
        CommandResult result = Boot("sleep");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        var match = System.Text.RegularExpressions.Regex.Match(result.Output, @"utc=(\S+)");
        Assert.IsTrue(match.Success, result.ToString());
        DateTime guest = DateTime.Parse(match.Groups[1].Value, null, System.Globalization.DateTimeStyles.RoundtripKind).ToUniversalTime();
        Assert.IsTrue(guest >= before.AddSeconds(-1) && guest <= DateTime.UtcNow.AddSeconds(1), $"guest clock {guest:O}, host {before:O}");
    }

    /// <summary>Probe modes that check themselves and print "NAME: PASS".</summary>
    [TestMethod]
    [DataRow("gc", "GC: PASS", DisplayName = "GivenAllocationChurn_TheGarbageCollectorRuns")]
    [DataRow("threads", "THREADS: PASS", DisplayName = "GivenThreads_TheyRunJoinAndCountExactly")]
    [DataRow("exceptions", "EXCEPTIONS: PASS", DisplayName = "GivenHardwareFaults_TheyBecomeManagedExceptions")]
    [DataRow("spingc", "SPINGC: PASS", DisplayName = "GivenAThreadSpinningInManagedCode_TheGcStillSuspendsIt")]
    [DataRow("files", "FILES: PASS", DisplayName = "GivenFileOperations_TmpBundledFilesAndProcWork")]
    [DataRow("tls", "TLS: PASS", "protocol=Tls13", DisplayName = "GivenTwoSslStreams_TheyShakeHandsOverTls13AndEcho")]
    public void GivenASelfCheckingMode_ItPrintsPassAndExitsZero(string mode, string pass, string? alsoPrinted = null)
    {
        CommandResult result = Boot(mode);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, pass);
        StringAssert.Contains(result.Output, alsoPrinted ?? pass);
    }

    [TestMethod]
    [DataRow(3)]
    [DataRow(127)]
    [DataRow(200)]
    public void GivenAnExitCode_TheLauncherReturnsIt(int code)
    {
        CommandResult result = Boot("exit", code.ToString());

        Assert.AreEqual(code, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"exiting with {code}");
    }

    [TestMethod]
    public void GivenAnUnhandledException_TheStackTraceIsPrintedAndTheExitIsSigabrt()
    {
        CommandResult result = Boot("throw");

        Assert.AreEqual(134, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "System.InvalidOperationException: unhandled on purpose");
        StringAssert.Contains(result.Output, "SIGABRT");
    }

    [TestMethod]
    public void GivenEnvironmentFailFast_TheMessageIsPrintedAndTheExitIsSigabrt()
    {
        CommandResult result = Boot("failfast");

        Assert.AreEqual(134, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "failing fast on purpose");
    }

    [TestMethod]
    public void GivenAnUnknownKernelOption_TheBootStopsWithTheSyntax()
    {
        CommandResult result = Boot("tcg", ["uk.bogus=1"], "hello");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "bad kernel command line: unknown kernel option: 'uk.bogus=1'");
        Assert.DoesNotContain("Hello from", result.Output);
    }

    [TestMethod]
    public void GivenQ35_HelloBootsThroughTheFirmware()
    {
        CommandResult result = Launch(["--accel", "tcg", "--machine", "q35"], ["hello"]);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "Hello from a .NET unikernel!");
    }

    [TestMethod]
    public void GivenTheSample_DotnetRunBootsItAndReturnsTheProgramsExitCode()
    {
        HostTools.Require("qemu-system-x86_64", "ld");
        TestProject project = TestProject.CopyOf("Hello", Repository.PathOf("samples", "Hello"));
        string pack = TestImages.DefaultRuntimePack("unikraft-qemu-x64")!;

        CommandResult result = project.Dotnet(
            "run", "-r", "unikraft-qemu-x64", "-c", "Release", $"-p:UnikraftRuntimePackDir={pack}", "-p:UnikraftAccel=tcg",
            "--", "first", "second arg");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output.Replace("\r\n", "\n"), "Hello from a .NET unikernel!\nfirst\nsecond arg\n");
        string image = Path.Combine(project.Directory, "bin", "Release", "net10.0", "unikraft-qemu-x64", "publish", "Hello.qemu");
        long size = new FileInfo(image).Length;
        Assert.IsLessThan(3_000_000L, size, $"the sample's image is {size} bytes");
    }
}
