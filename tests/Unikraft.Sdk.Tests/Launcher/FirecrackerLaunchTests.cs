// The launcher's Firecracker mode without Firecracker: the VMM choice, the run's config, the console exit line,
// and whole launches against stand-in firecracker and QEMU scripts (nothing boots).
using System.Text;
using System.Text.Json;
using Unikraft.Launcher;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Unit")]
public sealed class FirecrackerLaunchTests
{
    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    private static LaunchOptions Options(params string[] args) => LaunchOptions.Parse(["--image", "/i/Hello.fc", .. args]);

    /// <summary>A folder with Hello.fc, its published config and an executable script named <paramref name="tool"/>.</summary>
    private static (string Image, string Tool) Published(string bootArgs, string tool, string script)
    {
        string folder = NativeFixtures.NewFolder("fcrun");
        string image = Path.Combine(folder, "Hello.fc");
        File.WriteAllText(image, "");
        File.WriteAllText(image + ".json", Unikraft.Sdk.FirecrackerConfig.ToJson("Hello.fc", bootArgs, [], 128));
        string path = Path.Combine(folder, tool);
        File.WriteAllText(path, "#!/bin/sh\n" + script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return (image, path);
    }

    private static CommandResult Launch(params string[] args) =>
        Command.Run("dotnet", ["exec", LauncherPath, .. args], timeout: TimeSpan.FromMinutes(1));

    [TestMethod]
    [DataRow("qemu", "/usr/bin/firecracker", "x64", true, false, null)]
    [DataRow("firecracker", null, "x64", false, true, "unikraft: running on Firecracker (firecracker)")]
    [DataRow("auto", "/usr/bin/firecracker", "x64", true, true, "unikraft: running on Firecracker (/usr/bin/firecracker)")]
    [DataRow("auto", null, "x64", true, false, "unikraft: firecracker not found on PATH, running on QEMU microvm instead")]
    [DataRow("auto", "/usr/bin/firecracker", "arm64", true, false,
        "unikraft: firecracker runs only arm64 guests on this host, running on QEMU microvm instead")]
    [DataRow("auto", "/usr/bin/firecracker", "x64", false, false,
        "unikraft: firecracker needs /dev/kvm, which cannot be opened read-write here, running on QEMU microvm instead")]
    public void GivenAVmmMode_ItChoosesFirecrackerOnlyWhereItCanRun(
        string vmm, string? firecracker, string host, bool kvm, bool expectFirecracker, string? expectedNote)
    {
        VmmChoice choice = VmmChoice.Choose(Options("--vmm", vmm), firecracker, host, kvm);

        Assert.AreEqual(expectFirecracker, choice.UseFirecracker);
        Assert.AreEqual(expectedNote, choice.Note);
    }

    [TestMethod]
    public void GivenAnArm64ImageOrGdb_AutoNamesTheQemuStandIn()
    {
        Assert.AreEqual(
            "unikraft: firecracker not found on PATH, running on QEMU virt (gic-version=3) instead",
            VmmChoice.Choose(Options("--vmm", "auto", "--arch", "arm64", "--machine", "virt"), null, "x64", true).Note);
        VmmChoice gdb = VmmChoice.Choose(Options("--vmm", "auto", "--gdb"), "/usr/bin/firecracker", "x64", true);
        Assert.IsFalse(gdb.UseFirecracker);
        StringAssert.Contains(gdb.Note, "--gdb needs QEMU's gdb stub");
    }

    [TestMethod]
    [DataRow(new[] { "--vmm", "firecracker", "--gdb" }, "--gdb")]
    [DataRow(new[] { "--vmm", "auto", "--memory", "1000K" }, "whole MiB")]
    [DataRow(new[] { "--vmm", "xen" }, "--vmm")]
    public void GivenAFirecrackerModeItCannotRun_ItIsAUsageError(string[] args, string expected) =>
        StringAssert.Contains(Assert.ThrowsExactly<UsageException>(() => Options(args)).Message, expected);

    [TestMethod]
    public void GivenAQemuImage_FirecrackerModeIsAUsageError() =>
        StringAssert.Contains(
            Assert.ThrowsExactly<UsageException>(() => LaunchOptions.Parse(["--image", "a.qemu", "--vmm", "auto"])).Message, "<name>.fc");

    [TestMethod]
    [DataRow("x64", "env.A=b", new string[0], "env.A=b")]
    [DataRow("arm64", "console=ttyS0 env.A=b", new string[0], "console=ttyS0 env.A=b")]
    [DataRow("arm64", "console=ttyS0 env.A=b", new[] { "hello" }, "console=ttyS0 -- hello")]
    [DataRow("x64", "env.A=b", new[] { "a b" }, "-- \"a b\"")]
    [DataRow("x64", "", new string[0], null)]
    public void GivenARun_ItsCommandLineReplacesThePublishedOneOnlyWhenItHasOne(
        string arch, string published, string[] programArgs, string? expected)
    {
        LaunchOptions options = LaunchOptions.Parse(["--image", "/i/Hello.fc", "--arch", arch, "--vmm", "auto", "--", .. programArgs]);

        Assert.AreEqual(expected, FirecrackerCommand.CommandLine(options, published));
    }

    [TestMethod]
    public void GivenARun_TheConfigNamesTheImageByAbsolutePathLeadsWithTheWalltimeAndCarriesDisksAndMemory()
    {
        LaunchOptions options = Options("--vmm", "firecracker", "--memory", "1G", "--disk", "/d/a.img", "--disk", "/d/b.img,ro");

        string json = FirecrackerCommand.BuildConfig(options, "-- hello", DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_042));

        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        Assert.AreEqual("/i/Hello.fc", root.GetProperty("boot-source").GetProperty("kernel_image_path").GetString());
        Assert.AreEqual("uk.walltime=1795000000.042 -- hello", root.GetProperty("boot-source").GetProperty("boot_args").GetString());
        Assert.AreEqual(1024, root.GetProperty("machine-config").GetProperty("mem_size_mib").GetInt32());
        CollectionAssert.AreEqual(
            new[] { "vda:/d/a.img:False", "vdb:/d/b.img:True" },
            root.GetProperty("drives").EnumerateArray()
                .Select(d => $"{d.GetProperty("drive_id").GetString()}:{d.GetProperty("path_on_host").GetString()}:{d.GetProperty("is_read_only").GetBoolean()}")
                .ToArray());
        CollectionAssert.AreEqual(new[] { "--no-api", "--config-file", "/tmp/x.json" }, FirecrackerCommand.Arguments("/tmp/x.json").ToArray());
        CollectionAssert.AreEqual(new[] { "--api-sock", "/tmp/x.sock", "--config-file", "/tmp/x.json" },
            FirecrackerCommand.Arguments("/tmp/x.json", "/tmp/x.sock").ToArray());
    }

    [TestMethod]
    public void GivenAPublishedConfig_ItReadsItsBootArgsAndRejectsWhatIsNoConfig()
    {
        Assert.AreEqual("console=ttyS0", FirecrackerCommand.ReadBootArgs("""{ "boot-source": { "boot_args": "console=ttyS0" } }"""));
        Assert.AreEqual("", FirecrackerCommand.ReadBootArgs("""{ "boot-source": { "kernel_image_path": "a.fc" } }"""));
        Assert.ThrowsExactly<FormatException>(() => FirecrackerCommand.ReadBootArgs("""{ "drives": [] }"""));
        Assert.ThrowsExactly<FormatException>(() => FirecrackerCommand.ReadBootArgs("not json"));
    }

    [TestMethod]
    [DataRow("[uk] exit: code 3", 0, 3, false)]
    [DataRow("[uk] exit: code 134", 0, 134, false)]
    [DataRow("[uk] exit: kernel panic", 0, 255, true)]
    [DataRow(null, 0, 0, false)]
    [DataRow(null, 1, 1, true)]
    public void GivenTheConsoleExitLine_ItDecodesTheProgramsCode(string? line, int status, int expected, bool hasMessage)
    {
        ExitOutcome outcome = ExitDecoder.DecodeConsole(line, status, "Firecracker");

        Assert.AreEqual(expected, outcome.ExitCode);
        Assert.AreEqual(hasMessage, outcome.Message is not null);
    }

    [TestMethod]
    public void GivenConsoleOutputInSmallPieces_TheTapPassesEveryByteAndKeepsTheLastExitLine()
    {
        byte[] console = Encoding.UTF8.GetBytes("boot\r\nprogram says [uk] exit: code 1\r\nmore\r\n[uk] exit: code 42\r\n");
        using var source = new TrickleStream(console);
        using var destination = new MemoryStream();

        string? exitLine = ConsoleTap.Copy(source, destination);

        CollectionAssert.AreEqual(console, destination.ToArray());
        Assert.AreEqual("[uk] exit: code 42", exitLine);
        Assert.IsNull(ConsoleTap.Copy(new MemoryStream(Encoding.UTF8.GetBytes("no exit line")), Stream.Null));
        Assert.AreEqual("[uk] exit: kernel panic", ConsoleTap.Copy(new MemoryStream(Encoding.UTF8.GetBytes("x\n[uk] exit: kernel panic")), Stream.Null));
    }

    [TestMethod]
    public void GivenFirecracker_TheLauncherRunsItWithTheRunsConfigAndReturnsTheCodeOfTheConsoleLine()
    {
        (string image, string firecracker) = Published("", "firecracker",
            "echo \"fake-firecracker $*\"\nfor a; do last=$a; done\ncat \"$last\"\nprintf 'Hello\\r\\n[uk] exit: code 5\\r\\n'\n");

        CommandResult result = Launch("--image", image, "--vmm", "firecracker", "--firecracker", firecracker, "--memory", "64M", "--", "hello");

        Assert.AreEqual(5, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"unikraft: running on Firecracker ({firecracker})");
        // x86_64: with an API socket, where Ctrl-C sends SendCtrlAltDel.
        StringAssert.Matches(result.Output, new System.Text.RegularExpressions.Regex("fake-firecracker --api-sock /tmp/unikraft-[0-9]+-[0-9a-f]{32}\\.fc\\.sock --config-file "));
        StringAssert.Contains(result.Output, $"\"kernel_image_path\": \"{image}\"");
        StringAssert.Matches(result.Output, new System.Text.RegularExpressions.Regex("\"boot_args\": \"uk.walltime=[0-9]+\\.[0-9]{3} uk.console=framed uk.tty= -- hello\""));
        StringAssert.Contains(result.Output, "\"mem_size_mib\": 64");
    }

    [TestMethod]
    public void GivenNoFirecracker_AutoRunsTheX64ImageOnQemuMicrovmWithThePublishedCommandLine()
    {
        (string image, string qemu) = Published("env.A=b", "qemu", "echo \"fake-qemu $*\"\nexit 15\n");

        CommandResult result = Launch("--image", image, "--vmm", "auto", "--firecracker", "/nonexistent/firecracker", "--qemu", qemu, "--accel", "tcg");

        Assert.AreEqual(7, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "unikraft: /nonexistent/firecracker not found, running on QEMU microvm instead");
        StringAssert.Contains(result.Output, "fake-qemu -M microvm,acpi=on,ioapic2=off ");
        StringAssert.Matches(result.Output, new System.Text.RegularExpressions.Regex("-append uk.walltime=[0-9.]+ uk.console=framed uk.tty= env.A=b "));
    }

    [TestMethod]
    public void GivenNoFirecracker_AutoRunsTheArm64ImageOnVirtWithAGicV3AndTakesTheCodeFromTheConsole()
    {
        (string image, string qemu) = Published("console=ttyS0", "qemu", "echo \"fake-qemu $*\"\necho '[uk] exit: code 9'\nexit 0\n");

        CommandResult result = Launch(
            "--image", image, "--arch", "arm64", "--vmm", "auto", "--firecracker", "/nonexistent/firecracker", "--qemu", qemu, "--", "exit", "9");

        Assert.AreEqual(9, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "running on QEMU virt (gic-version=3) instead");
        StringAssert.Contains(result.Output, "fake-qemu -M virt,gic-version=3 ");
        StringAssert.Contains(result.Output, " console=ttyS0 -- exit 9 ");
    }

    [TestMethod]
    public void GivenNoPublishedConfig_FirecrackerModeFailsWithUKSDK2006()
    {
        string image = Path.Combine(NativeFixtures.NewFolder("noconfig"), "Hello.fc");
        File.WriteAllText(image, "");

        CommandResult result = Launch("--image", image, "--vmm", "auto");

        Assert.AreEqual(125, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"error UKSDK2006: The Firecracker config '{image}.json' cannot be used: it does not exist");
    }

    [TestMethod]
    public void GivenAMissingFirecrackerBinary_FirecrackerModeFailsWithUKSDK2007()
    {
        (string image, _) = Published("", "unused", "exit 0\n");

        CommandResult result = Launch("--image", image, "--vmm", "firecracker", "--firecracker", "/nonexistent/firecracker");

        Assert.AreEqual(127, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "error UKSDK2007: Firecracker ('/nonexistent/firecracker') was not found");
    }

    /// <summary>A stream that hands out at most three bytes per read, as a pipe may.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 3));
    }
}
