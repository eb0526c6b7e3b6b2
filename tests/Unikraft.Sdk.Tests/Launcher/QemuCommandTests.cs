// QemuCommand: the QEMU invocation per machine, accelerator and architecture, built without QEMU.
using Unikraft.Launcher;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Unit")]
public sealed class QemuCommandTests
{
    private static readonly HostFacts Kvm = new(KvmUsable: true, QbootPath: "/usr/share/qemu/qboot.rom", ControlFile: "/tmp/ctl");
    private static readonly HostFacts NoKvm = Kvm with { KvmUsable = false, QbootPath = null };

    private static string Line(LaunchOptions options, HostFacts host) => string.Join(' ', QemuCommand.Build(options, host));

    private static LaunchOptions Options(params string[] args) => LaunchOptions.Parse(["--image", "/i/Hello.qemu", .. args]);

    [TestMethod]
    public void GivenTheHostClock_ItLeadsTheKernelCommandLineAsUkWalltime()
    {
        HostFacts withClock = Kvm with { WallClock = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_042) };

        StringAssert.Contains(Line(Options("--kernel-args", "env.A=b", "--", "x"), withClock), "-append uk.walltime=1795000000.042 env.A=b -- x");
        StringAssert.Contains(Line(Options(), withClock), "-append uk.walltime=1795000000.042 ");
    }

    [TestMethod]
    public void GivenMicrovmWithKvm_ItBuildsTheFullContractCommand()
    {
        string[] expected =
        [
            "-M", "microvm,acpi=on,ioapic2=off", "-nodefaults", "-no-user-config", "-nographic", "-no-reboot", "-m", "256M",
            "-kernel", "/i/Hello.qemu", "-append", "-- a",
            "-chardev", "stdio,id=con,signal=on,mux=off", "-serial", "chardev:con",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-chardev", "file,id=ukctl,path=/tmp/ctl", "-device", "isa-debugcon,iobase=0x402,chardev=ukctl",
            "-enable-kvm", "-cpu", "host,-arch-capabilities",
        ];

        CollectionAssert.AreEqual(expected, QemuCommand.Build(Options("--", "a"), Kvm).ToArray());
    }

    [TestMethod]
    public void GivenAQmpSocket_ItOpensQemusQmpServerThereForTheShutdownRequest() =>
        StringAssert.Contains(Line(Options(), Kvm with { QmpSocket = "/tmp/a,b.qmp" }), " -qmp unix:/tmp/a,,b.qmp,server=on,wait=off ");

    [TestMethod]
    public void GivenNoKvm_AutoUsesTcgWithTheMaxCpu()
    {
        string line = Line(Options(), NoKvm);
        StringAssert.EndsWith(line, "-accel tcg -cpu max");
        Assert.DoesNotContain("-enable-kvm", line);
    }

    [TestMethod]
    public void GivenTcgRequested_ItIgnoresKvm() => StringAssert.EndsWith(Line(Options("--accel", "tcg"), Kvm), "-accel tcg -cpu max");

    [TestMethod]
    public void GivenQ35AndQboot_ItBootsThroughQboot() =>
        StringAssert.StartsWith(Line(Options("--machine", "q35"), Kvm), "-M q35 -bios /usr/share/qemu/qboot.rom -nodefaults");

    [TestMethod]
    public void GivenQ35WithoutQboot_ItFallsBackToSeaBios()
    {
        string line = Line(Options("--machine", "q35"), NoKvm);
        StringAssert.StartsWith(line, "-M q35 -nodefaults");
        Assert.DoesNotContain("-bios", line);
    }

    [TestMethod]
    public void GivenNoKernelArgsAndNoProgramArgs_ItPassesNoAppend() =>
        Assert.DoesNotContain("-append", Line(Options(), Kvm));

    [TestMethod]
    public void GivenGdbAndExtraQemuArgs_ItWaitsForGdbAndAppendsTheExtras() =>
        StringAssert.EndsWith(Line(Options("--gdb", "--qemu-args", "-smp 2 -d 'int,cpu_reset'"), Kvm), "-s -S -smp 2 -d int,cpu_reset");

    [TestMethod]
    public void GivenArm64_ItUsesVirtSemihostingAndTcg()
    {
        LaunchOptions options = Options("--arch", "arm64", "--accel", "tcg");
        string line = Line(options, NoKvm);

        StringAssert.StartsWith(line, "-M virt ");
        StringAssert.Contains(line, "-semihosting-config enable=on,target=native");
        Assert.DoesNotContain("isa-debug-exit", line);
        Assert.AreEqual("qemu-system-aarch64", QemuCommand.DefaultBinary("arm64"));
        Assert.AreEqual("qemu-system-arm", QemuCommand.DebianPackage("arm64"));
    }

    [TestMethod]
    public void GivenArm64Auto_ItResolvesToTcgWhenKvmIsNotForTheGuest()
    {
        LaunchOptions options = Options("--arch", "arm64");

        Assert.AreEqual("tcg", QemuCommand.ResolveAccel(options, NoKvm));
        StringAssert.EndsWith(Line(options, NoKvm), "-accel tcg -cpu max");
        if (System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.IsFalse(HostProbe.KvmUsable("arm64"), "an x86_64 host has no KVM for arm64 guests");
        }
    }

    [TestMethod]
    public void GivenAFirecrackerArm64Image_ItGetsAGicV3()
    {
        LaunchOptions options = LaunchOptions.Parse(["--image", "/i/Hello.fc", "--arch", "arm64", "--accel", "tcg"]);

        StringAssert.StartsWith(Line(options, NoKvm), "-M virt,gic-version=3 -nodefaults");
        StringAssert.StartsWith(Line(Options("--arch", "arm64", "--accel", "tcg"), NoKvm), "-M virt -nodefaults");
    }
}
