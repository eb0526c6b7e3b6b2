// The program's standard streams through the launcher (the framed console, runtime-packs/kernel/lib/tty/tty.c): with
// the launcher's stdout, stderr and stdin redirected to files the program's bytes arrive unchanged, stdout and stderr
// apart and the kernel's log out of stdout, tens of MiB without loss and the exit code after the last byte; at a
// terminal (a pty from script(1)) the guest's line discipline echoes and takes ^D and ^C. Every check on x86_64
// (microvm) and arm64 (virt, TCG); the benchmark programs' output is compared with the same program run natively.
using System.Globalization;
using System.Text;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class ConsoleStreamTests
{
    public static IEnumerable<object[]> Rids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    /// <summary>Every RID: the Firecracker images boot on QEMU here (no Firecracker, no KVM) through the same launcher path.</summary>
    public static IEnumerable<object[]> AllRids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64, BootTarget.FcX64, BootTarget.FcArm64);

    /// <summary>The benchmark programs with a size that runs in seconds under TCG; mandelbrot's output is binary (PBM).</summary>
    public static IEnumerable<object[]> BenchmarkRuns =>
        from rid in new[] { BootTarget.QemuX64, BootTarget.QemuArm64 }
        from bench in new (string Name, int N)[]
        {
            ("binary-trees", 10), ("fannkuch-redux", 8), ("mandelbrot", 400), ("n-body", 20000), ("spectral-norm", 120),
        }
        select BootTarget.Row(rid, (rid, bench.Name, bench.N), $"GivenTheBenchmark_{bench.Name}_ItsRedirectedOutputIsTheNativeProgramsByteForByte");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Redirected>> NativeBenchmarks = new();

    private sealed record Redirected(int ExitCode, byte[] Out, byte[] Err)
    {
        public string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

        public override string ToString() =>
            $"(exit {ExitCode})\nstdout ({Out.Length} bytes): {Clip(Out)}\nstderr ({Err.Length} bytes): {Clip(Err)}";

        private static string Clip(byte[] bytes) => Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 4000));
    }

    /// <summary>Runs <paramref name="command"/> with stdout and stderr redirected to files and stdin from <paramref name="input"/>.</summary>
    private static Redirected RunRedirected(IReadOnlyList<string> command, byte[]? input = null, TimeSpan? timeout = null)
    {
        string folder = NativeFixtures.NewFolder("streams");
        string inPath = Path.Combine(folder, "in.bin"), outPath = Path.Combine(folder, "out.bin"), errPath = Path.Combine(folder, "err.bin");
        File.WriteAllBytes(inPath, input ?? []);
        CommandResult result = Command.Run("bash", ["-c", "\"$@\" < \"$IN\" > \"$OUT\" 2> \"$ERR\"", "bash", .. command],
            environment: new Dictionary<string, string?> { ["IN"] = inPath, ["OUT"] = outPath, ["ERR"] = errPath },
            timeout: timeout ?? TimeSpan.FromMinutes(4));
        return new Redirected(result.ExitCode, File.ReadAllBytes(outPath), File.ReadAllBytes(errPath));
    }

    private static Redirected BootRedirected(string rid, byte[]? input, TimeSpan? timeout, params string[] programArgs)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        // Firecracker images as `dotnet run` boots them: in the launcher's Firecracker mode, which falls back to QEMU
        // here and takes the exit code from the kernel's log.
        string[] options = target.IsFirecracker ? ["--vmm", "auto"] : [];
        return RunRedirected(["dotnet", .. target.LaunchArguments(target.Image("Probe"), options, programArgs)], input, timeout);
    }

    private static byte[] AllByteValues(int rounds) => Enumerable.Range(0, 256 * rounds).Select(i => (byte)i).ToArray();

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenEveryByteValueOnStdout_TheRedirectedFileHoldsThemUnchanged(string rid)
    {
        Redirected run = BootRedirected(rid, null, null, "bytes", "64");

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        CollectionAssert.AreEqual(AllByteValues(64), run.Out, run.ToString());
    }

    /// <summary>300 KB of every byte value and random bytes through stdin and back out: ten times the launcher's window.</summary>
    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenBinaryStdin_TheProgramReadsItUnchangedAndThenItsEnd(string rid)
    {
        byte[] random = new byte[300_000];
        new Random(7).NextBytes(random);
        byte[] input = [.. AllByteValues(4), .. random, 0x04, 0x03, (byte)'\r', (byte)'\n'];

        Redirected run = BootRedirected(rid, input, null, "cat");

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        Assert.AreEqual(input.Length, run.Out.Length, run.ToString());
        CollectionAssert.AreEqual(input, run.Out);
        StringAssert.Contains(run.Text(run.Err), $"cat: {input.Length} bytes");
    }

    [TestMethod]
    [DynamicData(nameof(AllRids))]
    public void GivenWritesToStdoutAndStderr_TheyArriveApartInOrderAndTheKernelLogStaysOutOfStdout(string rid)
    {
        Redirected run = BootRedirected(rid, null, null, "streams", "200");

        Assert.AreEqual(3, run.ExitCode, run.ToString());
        string expectedOut = string.Concat(Enumerable.Range(1, 200).Select(i => $"out {i}\n"));
        Assert.AreEqual(expectedOut, run.Text(run.Out), run.ToString());
        string[] errLines = run.Text(run.Err).Split('\n').Where(l => l.StartsWith("err ", StringComparison.Ordinal)).ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(1, 200).Select(i => $"err {i}").ToArray(), errLines, run.ToString());
        Assert.IsFalse(run.Text(run.Err).Contains('\r'), run.ToString());
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenKernelLogLines_TheyGoToStderr(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();

        Redirected run = RunRedirected(["dotnet", .. target.LaunchArguments(target.Image("Probe"), ["--kernel-args", "uk.log=info"], ["hello"])]);

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        Assert.AreEqual(BootTarget.Greeting + "\n", run.Text(run.Out), run.ToString());
        StringAssert.Contains(run.Text(run.Err), "[uk] booting");
    }

    /// <summary>`dotnet run -r RID > out 2> err`, as the issue's user ran it: the file holds the program's output exactly.</summary>
    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenTheSample_DotnetRunRedirectedToFilesGivesTheProgramsBytes(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        TestProject project = TestProject.CopyOf("Hello", Repository.PathOf("samples", "Hello"));
        string pack = TestImages.DefaultRuntimePack(rid)!;
        string folder = NativeFixtures.NewFolder("dotnetrun");
        string outPath = Path.Combine(folder, "out.txt"), errPath = Path.Combine(folder, "err.txt");
        var environment = new Dictionary<string, string?>(TestSdk.Environment) { ["OUT"] = outPath, ["ERR"] = errPath };

        CommandResult result = Command.Run("bash", ["-c", "dotnet \"$@\" < /dev/null > \"$OUT\" 2> \"$ERR\"", "bash",
            "run", "-r", rid, "-c", "Release", $"-p:UnikraftRuntimePackDir={pack}", "-p:UnikraftAccel=tcg", "--", "first", "second arg"],
            project.Directory, environment, TimeSpan.FromMinutes(8));

        string output = File.ReadAllText(outPath), errors = File.ReadAllText(errPath);
        Assert.AreEqual(0, result.ExitCode, $"{result}\nstdout:\n{output}\nstderr:\n{errors}");
        Assert.AreEqual("Hello from a .NET unikernel!\nfirst\nsecond arg\n", output, $"stderr:\n{errors}");
    }

    /// <summary>16 MiB through stdout with a stderr line after each MiB: every byte in order, the code after the last.</summary>
    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenSixteenMebibytesOnStdout_EveryByteArrivesInOrderAndTheExitCodeAfterTheLast(string rid)
    {
        const int megabytes = 16;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Redirected run = BootRedirected(rid, null, TimeSpan.FromMinutes(15), "flood", megabytes.ToString(CultureInfo.InvariantCulture));
        watch.Stop();

        Assert.AreEqual(7, run.ExitCode, run.ToString());
        Assert.AreEqual(megabytes << 20, run.Out.Length, run.ToString());
        uint state = 1;
        for (int i = 0; i < run.Out.Length; i++)
        {
            state = state * 1664525 + 1013904223;
            if (run.Out[i] != (byte)(state >> 24))
            {
                Assert.Fail($"stdout differs at byte {i}");
            }
        }

        string[] errLines = run.Text(run.Err).Split('\n').Where(l => l.StartsWith("flood: ", StringComparison.Ordinal)).ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(1, megabytes).Select(i => $"flood: {i} MiB").ToArray(), errLines, run.ToString());
        Console.WriteLine($"{rid}: {megabytes} MiB through stdout in {watch.Elapsed.TotalSeconds:F1} s (boot included)");
    }

    [TestMethod]
    [DynamicData(nameof(BenchmarkRuns))]
    public void GivenABenchmarkProgram_ItsRedirectedOutputIsTheNativeProgramsByteForByte(string rid, string name, int n)
    {
        string size = n.ToString(CultureInfo.InvariantCulture);
        Redirected native = NativeBenchmarks.GetOrAdd($"{name} {size}", _ => new Lazy<Redirected>(() =>
            RunRedirected([TestImages.PublishNative(Repository.PathOf("tests", "apps", "Probe")), "bench", name, size]))).Value;
        Assert.AreEqual(0, native.ExitCode, $"natively: {native}");
        Assert.IsTrue(native.Out.Length > 0, $"natively: {native}");

        Redirected run = BootRedirected(rid, null, TimeSpan.FromMinutes(8), "bench", name, size);

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        CollectionAssert.AreEqual(native.Out, run.Out, $"{name} {size}: unikernel {run}\nnatively {native}");
        CollectionAssert.AreEqual(native.Err, run.Err, $"{name} {size}: unikernel {run}\nnatively {native}");
    }

    /// <summary>
    /// Runs the launcher in a pty (script(1)) fed by <paramref name="feeder"/>, a shell snippet that may wait for text
    /// in the terminal's log ($LOG) before typing; returns the terminal's output.
    /// </summary>
    private static CommandResult AtATerminal(BootTarget target, string[] programArgs, string feeder)
    {
        string launch = string.Join(' ', new[] { "dotnet" }.Concat(target.LaunchArguments(target.Image("Probe"), [], programArgs))
            .Select(a => "'" + a + "'"));
        string log = Path.Combine(NativeFixtures.NewFolder("terminal"), "terminal.log");
        string waitFor = $"waitfor() {{ for i in $(seq 900); do grep -q \"$1\" '{log}' 2>/dev/null && return; sleep 0.2; done; }}; ";
        return Command.Run("bash", ["-c",
            waitFor + $"{{ {feeder}; waitfor 'EXITED'; }} | script -qfec \"{launch.Replace("\"", "\\\"", StringComparison.Ordinal)}; echo EXITED=\\$?\" /dev/null | tee '{log}'"],
            timeout: TimeSpan.FromMinutes(4));
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenATerminal_TheGuestEchoesTheLineAndControlDIsEndOfFile(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();

        CommandResult result = AtATerminal(target, ["readline"], "waitfor 'reading two'; printf 'Ada Lovx\\177elace\\r\\004'");

        StringAssert.Contains(result.Output, "EXITED=0", result.ToString());
        StringAssert.Contains(result.Output, "got <Ada Lovelace> then <(eof)>", result.ToString());
        int echo = result.Output.IndexOf("Ada Lovx\b \belace", StringComparison.Ordinal);
        Assert.IsTrue(echo >= 0 && echo < result.Output.IndexOf("got <", StringComparison.Ordinal), result.ToString());
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenControlCAtATerminal_CancelKeyPressRuns(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();

        CommandResult result = AtATerminal(target, ["cancelkey"], "waitfor 'waiting for'; printf '\\003'");

        StringAssert.Contains(result.Output, "CANCELKEY: PASS", result.ToString());
        StringAssert.Contains(result.Output, "EXITED=0", result.ToString());
    }
}
