// The Probe on other machines and accelerators than the default (q35, KVM, arm64 entry at EL2 with a GICv3), the
// Firecracker images (unikraft-fc-x64/-arm64) on QEMU and on Firecracker, and `dotnet run` of samples/Hello per RID.
using System.Globalization;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class MachineBootTests
{
    /// <summary>rid, a launcher option and its value, the Probe mode, what it prints.</summary>
    public static IEnumerable<object[]> Machines =>
    [
        BootTarget.Row(BootTarget.QemuX64, (BootTarget.QemuX64, "--machine", "q35", "hello", BootTarget.Greeting),
            "GivenQ35_HelloBootsThroughTheFirmware"),
        BootTarget.Row(BootTarget.QemuX64, (BootTarget.QemuX64, "--accel", "kvm", "hello", BootTarget.Greeting),
            "GivenKvm_HelloBootsThere"),
        // A loader that enters at EL2 (virt with virtualization=on, as firmware with a hypervisor slot does) with a
        // GICv3: the kernel lets EL1 use the GIC system registers, drops to EL1 and runs threads on timer
        // interrupts; PSCI is then reached through smc, which the device tree names.
        BootTarget.Row(BootTarget.QemuArm64,
            (BootTarget.QemuArm64, "--qemu-args", "-M virt,virtualization=on,gic-version=3", "threads", "THREADS: PASS"),
            "GivenEntryAtEl2WithAGicV3_TheKernelDropsToEl1AndRunsThreads"),
    ];

    public static IEnumerable<object[]> FirecrackerBoots =>
        from rid in new[] { BootTarget.FcX64, BootTarget.FcArm64 }
        from boot in new (string Mode, int Code, string Expected)[] { ("hello", 0, BootTarget.Greeting), ("exit", 3, "exiting with 3") }
        select BootTarget.Row(rid, (rid, boot.Mode, boot.Code, boot.Expected));

    public static IEnumerable<object[]> FirecrackerRids => BootTarget.Rows(BootTarget.FcX64, BootTarget.FcArm64);

    public static IEnumerable<object[]> QemuRids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    [TestMethod]
    [DynamicData(nameof(Machines))]
    public void GivenAnotherMachineOrAccelerator_TheProbeRunsThere(string rid, string option, string value, string mode, string expected)
    {
        if (option == "--accel" && value == "kvm" && !File.Exists("/dev/kvm"))
        {
            Prerequisite.Unavailable("no /dev/kvm on this host (hardware KVM is in no registry)");
        }

        CommandResult result = BootTarget.Of(rid).Boot([option, value], mode);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, expected);
    }

    /// <summary>
    /// The Firecracker image on QEMU's closest machine: microvm (x86_64), where the launcher returns the program's
    /// code, and virt with a GICv3 (arm64, Firecracker's), where it powers off through PSCI, so QEMU exits with 0.
    /// Both print a non-zero code as the console line "[uk] exit: code N".
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(FirecrackerBoots))]
    public void GivenTheFirecrackerImage_ItBootsOnQemuAndReportsItsExitCode(string rid, string mode, int code, string expected)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        string image = target.Image("Probe");
        StringAssert.EndsWith(image, ".fc");
        string[] programArgs = mode == "exit" ? ["exit", code.ToString(CultureInfo.InvariantCulture)] : [mode];

        CommandResult result = target.Launch(image, ["--verbose"], programArgs);

        Assert.AreEqual(target.IsArm64 ? 0 : code, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, target.IsArm64 ? "-M virt,gic-version=3" : "-M microvm,acpi=on,ioapic2=off");
        StringAssert.Contains(result.Output, expected);
        if (code != 0)
        {
            StringAssert.Contains(result.Output, $"[uk] exit: code {code}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(FirecrackerRids))]
    public void GivenAFirecrackerBinary_TheImageBootsThere(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        string? firecracker = Unikraft.Sdk.ExecutableSearch.Find("firecracker");
        if (firecracker is null || !File.Exists("/dev/kvm"))
        {
            Prerequisite.Unavailable("no firecracker binary on PATH (it is in no registry here)");
        }

        bool hostIsArm64 = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture
            == System.Runtime.InteropServices.Architecture.Arm64;
        if (hostIsArm64 != target.IsArm64)
        {
            Prerequisite.Unavailable($"Firecracker runs {rid} images only on a host of that architecture");
        }

        string image = target.Image("Probe");
        string folder = NativeFixtures.NewFolder("fc");
        string config = Path.Combine(folder, "vm.json");
        File.WriteAllText(config, $$"""
            {
              "boot-source": { "kernel_image_path": "{{image}}", "boot_args": "console=ttyS0 -- hello" },
              "drives": [],
              "machine-config": { "vcpu_count": 1, "mem_size_mib": 128, "smt": false }
            }
            """);

        CommandResult result = Command.Run(firecracker, ["--no-api", "--config-file", config], timeout: TimeSpan.FromMinutes(1));

        StringAssert.Contains(result.Output, BootTarget.Greeting, result.ToString());
    }

    /// <summary>
    /// `dotnet run -r` publishes the sample and boots it; x86_64 pins TCG (KVM here may be PVM, slow), arm64 keeps
    /// UnikraftAccel=auto, which must resolve to TCG on an x86_64 host. arm64 publishes the linked ELF next to the Image.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(QemuRids))]
    public void GivenTheSample_DotnetRunBootsItAndReturnsTheProgramsExitCode(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        TestProject project = TestProject.CopyOf("Hello", Repository.PathOf("samples", "Hello"));
        string pack = TestImages.DefaultRuntimePack(rid)!;

        CommandResult result = project.Dotnet(
            ["run", "-r", rid, "-c", "Release", $"-p:UnikraftRuntimePackDir={pack}", .. target.IsArm64 ? [] : new[] { "-p:UnikraftAccel=tcg" },
             "--", "first", "second arg"]);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output.Replace("\r\n", "\n"), "Hello from a .NET unikernel!\nfirst\nsecond arg\n");
        string publish = Path.Combine(project.Directory, "bin", "Release", "net10.0", rid, "publish");
        string image = Path.Combine(publish, "Hello.qemu");
        Assert.IsTrue(File.Exists(image), $"{image} is published");
        long size = new FileInfo(image).Length;
        // x86_64: the ELF without its symbol tables; arm64: the packed Image. dotnet run publishes what dotnet publish
        // does (1,306,896 / 1,336,208 bytes on 2026-11-30: README, "Image size"); it once bundled the apphost too (78 KB).
        Assert.IsLessThan(target.IsArm64 ? 1_345_000L : 1_315_000L, size, $"the sample's image is {size} bytes");
        string elf = Path.Combine(publish, "Hello.qemu.elf");
        Assert.IsTrue(File.Exists(elf), "the ELF with the symbols is published beside the image");
        Assert.IsNotNull(Unikraft.Sdk.Tasks.ElfImage.Load(elf).FindSection(".symtab"));
        if (!target.IsArm64)
        {
            Assert.IsNull(Unikraft.Sdk.Tasks.ElfImage.Load(image).FindSection(".symtab"), "the image carries no symbol table");
        }
    }

    /// <summary>
    /// A hand-made QEMU command line without the isa-debug-exit device the launcher adds, on QEMU's own machine
    /// defaults (microvm with ACPI and its second I/O APIC, q35 with SeaBIOS): the program runs and the VM ends with
    /// it through ACPI's soft-off instead of idling forever.
    /// </summary>
    [TestMethod]
    [DataRow("microvm")]
    [DataRow("q35")]
    public void GivenAPlainQemuCommandLine_TheVmEndsWithTheProgram(string machine)
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();
        string image = target.Image("Probe");

        CommandResult result = Command.Run(target.Qemu, ["-M", machine, "-accel", "tcg", "-cpu", "max", "-m", "256M",
            "-nodefaults", "-no-user-config", "-nographic", "-serial", "stdio", "-kernel", image, "-append", "-- hello"],
            timeout: TimeSpan.FromMinutes(2), standardInput: "");

        Assert.IsFalse(result.Output.Contains("<killed: timeout>", StringComparison.Ordinal), $"the VM did not end:\n{result}");
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, BootTarget.Greeting, result.ToString());
    }
}
