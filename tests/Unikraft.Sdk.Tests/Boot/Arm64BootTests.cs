// The arm64 unikernels: tests/apps/Probe and tests/apps/Conformance published through the SDK for
// unikraft-qemu-arm64 (and Probe for unikraft-fc-arm64) with the staged runtime packs, booted on
// qemu-system-aarch64 virt under TCG. Inconclusive without a staged arm64 pack (make -C runtime-packs). One
// shared "hello" boot comes first: when the kernel does not boot, every other test fails at once with its
// output instead of waiting for its own timeout. Run only these: dotnet test --filter TestCategory=Arm64Boot
namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Arm64Boot")]
public sealed class Arm64BootTests
{
    private const string Rid = "unikraft-qemu-arm64";
    private const string FcRid = "unikraft-fc-arm64";
    private const string Greeting = "Hello from a .NET unikernel!";

    private static readonly Lazy<CommandResult> HelloBoot = new(() => Launch(ProbeImage(Rid), [], "hello"));

    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(Unikraft.Launcher.LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    private static string ProbeImage(string rid) => Image(rid, "Probe");

    private static string Image(string rid, string app)
    {
        HostTools.Require("qemu-system-aarch64", "aarch64-linux-gnu-ld");
        if (TestImages.DefaultRuntimePack(rid) is not { } pack || !File.Exists(Path.Combine(pack, "pack.json")))
        {
            Prerequisite.Missing($"no staged {rid} runtime pack (make -C runtime-packs RIDS={rid})");
        }

        return TestImages.Publish(Repository.PathOf("tests", "apps", app), rid);
    }

    private static CommandResult Launch(string image, IReadOnlyList<string> launcherOptions, params string[] programArgs) =>
        Command.Run(
            "dotnet",
            ["exec", LauncherPath, "--image", image, "--arch", "arm64", "--accel", "tcg",
             .. launcherOptions.Contains("--memory") ? [] : new[] { "--memory", "256M" }, .. launcherOptions, "--", .. programArgs],
            timeout: TimeSpan.FromMinutes(2));

    /// <summary>Boots the qemu-arm64 Probe after checking that the shared hello boot worked.</summary>
    private static CommandResult Boot(params string[] programArgs) => Boot([], programArgs);

    private static CommandResult Boot(IReadOnlyList<string> launcherOptions, params string[] programArgs)
    {
        RequireHelloBoots();
        return Launch(ProbeImage(Rid), launcherOptions, programArgs);
    }

    private static void RequireHelloBoots()
    {
        CommandResult hello = HelloBoot.Value;
        if (hello.ExitCode != 0 || !hello.Output.Contains(Greeting, StringComparison.Ordinal))
        {
            Assert.Fail($"the arm64 Probe does not boot, so this test was not run; the hello boot:\n{hello}");
        }
    }

    [TestMethod]
    public void GivenHello_ItGreetsAndExitsZero()
    {
        CommandResult result = HelloBoot.Value;

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, Greeting);
    }

    [TestMethod]
    public void GivenArgumentsAndEnvironment_TheProgramSeesThemExactly()
    {
        CommandResult result = Boot(["--kernel-args", "env.GREETING=hi"], "echo", "a", "b c", "");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "argc=3");
        StringAssert.Contains(result.Output, "arg[1]=<b c>");
        StringAssert.Contains(result.Output, "arg[2]=<>");
        StringAssert.Contains(result.Output, "env[GREETING]=<hi>");
        StringAssert.Contains(result.Output, "rid=unikraft-qemu-arm64");
    }

    [TestMethod]
    [DataRow(3)]
    [DataRow(200)]
    public void GivenAnExitCode_SemihostingMakesItTheLaunchersExitCode(int code)
    {
        CommandResult result = Boot("exit", code.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.AreEqual(code, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"exiting with {code}");
    }

    [TestMethod]
    public void GivenAnUnhandledException_TheStackTraceIsPrintedAndTheExitIsSigabrt()
    {
        CommandResult result = Boot("throw");

        Assert.AreEqual(134, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "System.InvalidOperationException: unhandled on purpose");
    }

    /// <summary>Probe modes that check themselves and print "NAME: PASS".</summary>
    [TestMethod]
    [DataRow("gc", "GC: PASS")]
    [DataRow("threads", "THREADS: PASS")]
    [DataRow("exceptions", "EXCEPTIONS: PASS")]
    [DataRow("files", "FILES: PASS")]
    [DataRow("tls", "TLS: PASS")]
    public void GivenASelfCheckingMode_ItPrintsPassAndExitsZero(string mode, string pass)
    {
        CommandResult result = Boot(mode);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, pass);
    }

    [TestMethod]
    public void GivenEnvironmentFailFast_TheMessageIsPrintedAndTheExitIsSigabrt()
    {
        CommandResult result = Boot("failfast");

        Assert.AreEqual(134, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "failing fast on purpose");
    }

    [TestMethod]
    public void GivenUnboundedRecursion_TheStackOverflowIsReportedAndTheExitIsNonZero()
    {
        CommandResult result = Boot("overflow");

        Assert.AreEqual(139, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "stack overflow in thread 1");
    }

    [TestMethod]
    public void GivenMoreAllocationThanTheVmHolds_TheProgramGetsOutOfMemoryExceptionAndRecovers()
    {
        CommandResult result = Boot(["--memory", "128M"], "oom");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "OOM: PASS");
    }

    [TestMethod]
    public void GivenStandardInput_ConsoleReadLineGetsTheLineAndControlDIsEndOfFile()
    {
        RequireHelloBoots();
        CommandResult result = Command.Run(
            "dotnet",
            ["exec", LauncherPath, "--image", ProbeImage(Rid), "--arch", "arm64", "--accel", "tcg", "--", "readline"],
            timeout: TimeSpan.FromMinutes(2),
            standardInput: "Ada Lovelace\n\u0004");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "got <Ada Lovelace> then <(eof)>");
    }

    [TestMethod]
    public void GivenAnEventfd_PollWakesWhenItIsWrittenAndReadTakesTheCount()
    {
        CommandResult result = Boot("eventfd");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "EVENTFD: done");
    }

    [TestMethod]
    public void GivenAnUnknownKernelOption_TheBootStopsWithTheSyntax()
    {
        CommandResult result = Boot(["--kernel-args", "uk.bogus=1"], "hello");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "unknown kernel option: 'uk.bogus=1'");
        Assert.DoesNotContain("Hello from", result.Output);
    }

    /// <summary>
    /// A loader that enters at EL2 (virt with virtualization=on, as firmware with a hypervisor slot does) with a
    /// GICv3: the kernel lets EL1 use the GIC system registers, drops to EL1 and runs threads on timer interrupts;
    /// PSCI is then reached through smc, which the device tree names.
    /// </summary>
    [TestMethod]
    public void GivenEntryAtEl2WithAGicV3_TheKernelDropsToEl1AndRunsThreads()
    {
        CommandResult result = Boot(["--qemu-args", "-M virt,virtualization=on,gic-version=3"], "threads");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "THREADS: PASS");
    }

    [TestMethod]
    public void GivenTheConformanceProgram_EveryCheckPasses()
    {
        RequireHelloBoots();
        string image = Image(Rid, "Conformance");
        string now = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture);

        CommandResult result = Launch(image, ["--kernel-args", "env.CONFORMANCE=yes"], now);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        Assert.DoesNotContain("FAIL ", result.Output, result.ToString());
        StringAssert.Contains(result.Output, "SUMMARY 16 passed, 0 failed", result.ToString());
    }

    /// <summary>
    /// The Firecracker image on QEMU virt with a GICv3 (Firecracker's): it powers off through PSCI, so QEMU exits
    /// with 0 and the program's code is the console line "[uk] exit: code N".
    /// </summary>
    [TestMethod]
    [DataRow("hello", 0, Greeting)]
    [DataRow("exit", 3, "exiting with 3")]
    public void GivenTheFirecrackerImage_ItBootsOnQemuVirtAndPrintsItsExitCode(string mode, int code, string expected)
    {
        RequireHelloBoots();
        string image = ProbeImage(FcRid);
        StringAssert.EndsWith(image, ".fc");
        string[] programArgs = mode == "exit" ? ["exit", code.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [mode];

        CommandResult result = Launch(image, ["--verbose"], programArgs);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "-M virt,gic-version=3");
        StringAssert.Contains(result.Output, expected);
        if (code != 0)
        {
            StringAssert.Contains(result.Output, $"[uk] exit: code {code}");
        }
    }

    [TestMethod]
    public void GivenTheSample_DotnetRunBootsItOnArm64()
    {
        RequireHelloBoots();
        TestProject project = TestProject.CopyOf("Hello", Repository.PathOf("samples", "Hello"));
        string pack = TestImages.DefaultRuntimePack(Rid)!;

        CommandResult result = project.Dotnet(
            "run", "-r", Rid, "-c", "Release", $"-p:UnikraftRuntimePackDir={pack}", "--", "first", "second arg");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output.Replace("\r\n", "\n"), "Hello from a .NET unikernel!\nfirst\nsecond arg\n");
        string publish = Path.Combine(project.Directory, "bin", "Release", "net10.0", Rid, "publish");
        Assert.IsTrue(File.Exists(Path.Combine(publish, "Hello.qemu")));
        Assert.IsTrue(File.Exists(Path.Combine(publish, "Hello.qemu.elf")));
    }
}
