// A guest memory below what the image needs: the launcher refuses it before QEMU starts (UKSDK2011, with the minimum),
// and the kernel booted straight by QEMU with too little RAM says why and powers off with a non-zero code instead of
// faulting silently. x86_64: RAM ending inside the image's .bss (the boot code's check of the PVH memory map); arm64:
// RAM that holds the image and the device tree but leaves less than the kernel's 3 MiB free (lib/mm/pmm.c).
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class MemoryMinimumBootTests
{
    public static IEnumerable<object[]> Rids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenLessThanTheImageNeeds_TheLauncherRefusesWithTheMinimum(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        string image = target.SampleHello();
        long minimum = ImageMemory.MinimumMebibytes(image)!.Value;

        CommandResult refused = target.Launch(image, ["--memory", $"{minimum - 1}M"], ["a"]);
        CommandResult runs = target.Launch(image, ["--memory", $"{minimum}M"], ["a"]);

        Assert.AreEqual(125, refused.ExitCode, refused.ToString());
        StringAssert.Contains(refused.Output, $"UKSDK2011: --memory {minimum - 1}M", refused.ToString());
        StringAssert.Contains(refused.Output, $"at least {minimum} MiB", refused.ToString());
        Assert.AreEqual(0, runs.ExitCode, $"the minimum ({minimum} MiB) runs Hello:\n{runs}");
        StringAssert.Contains(runs.Output, BootTarget.Greeting, runs.ToString());
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenTooLittleRamFromAnotherVmm_TheKernelSaysWhyAndExitsNonZero(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        string image = target.SampleHello();
        ElfImage elf = ElfImage.Load(image + LinkUnikernel.ElfSuffix);
        string[] machine;
        string memory;
        if (target.IsArm64)
        {
            // QEMU virt puts the Image at the start of RAM and the device tree after it: 5 MiB holds both, not 3 MiB more.
            memory = "5M";
            machine = ["-M", "virt", "-cpu", "max", "-semihosting-config", "enable=on,target=native"];
        }
        else
        {
            // RAM up to the image's last file byte (every byte QEMU loads), short of its .bss.
            ulong fileEnd = elf.LoadSegments.Max(s => s.PhysicalAddress + s.FileSize);
            ulong memoryEnd = elf.LoadSegments.Max(s => s.PhysicalAddress + s.MemorySize);
            ulong ram = (fileEnd + 0xffff) & ~0xffffUL;
            Assert.IsLessThan(memoryEnd, ram, "the image's .bss reaches beyond that RAM");
            memory = $"{ram >> 10}K";
            machine = ["-M", "microvm", "-cpu", "max", "-device", "isa-debug-exit,iobase=0xf4,iosize=4"];
        }

        CommandResult result = Command.Run(target.Qemu, [.. machine, "-accel", "tcg", "-m", memory, "-nodefaults", "-no-user-config",
            "-nographic", "-no-reboot", "-serial", "stdio", "-kernel", image, "-append", "-- a"], timeout: TimeSpan.FromMinutes(1),
            standardInput: "");

        Assert.IsFalse(result.Output.Contains("<killed: timeout>", StringComparison.Ordinal), $"QEMU with -m {memory} hung:\n{result}");
        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "[uk] too little memory: ", result.ToString());
        StringAssert.Contains(result.Output, "give the VM", result.ToString());
        Assert.IsFalse(result.Output.Contains(BootTarget.Greeting, StringComparison.Ordinal), result.ToString());
    }
}
