// The kernel's CPU protections between itself and the program, each shown firing: tests/apps/Probe published with
// UnikraftKernelSelfTest=true carries the kernel self-test (runtime-packs/kernel/lib/selftest), and uk.selftest=NAME
// makes the kernel break one protection on purpose before the program starts. x86_64 (QEMU -cpu max under TCG) has
// SMAP and SMEP, arm64 (virt, -cpu max) PAN and PXN, and both the kernel's stack protector and the W^X of its image:
// each violation must panic with a report naming the protection, and the VM must exit non-zero. An ordinary image has no self-test and refuses the option.
namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class ProtectionBootTests
{
    private static readonly Dictionary<string, string> SelfTest = new() { ["UnikraftKernelSelfTest"] = "true" };

    public static IEnumerable<object[]> Rids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    /// <summary>Each self-test with the report it must end in, per architecture.</summary>
    public static IEnumerable<object[]> Violations =>
        from row in new (string Rid, string Test, string Report, string Name)[]
        {
            (BootTarget.QemuX64, "smap-read", "SMAP: kernel read of program memory at 0x", "GivenAKernelReadOfProgramMemory_SmapPanics"),
            (BootTarget.QemuX64, "smap-write", "SMAP: kernel write of program memory at 0x", "GivenAKernelWriteOfProgramMemory_SmapPanics"),
            (BootTarget.QemuX64, "smep", "SMEP: kernel execution of program memory at 0x", "GivenAKernelCallIntoProgramCode_SmepPanics"),
            (BootTarget.QemuArm64, "smap-read", "PAN: kernel read of program memory at 0x", "GivenAKernelReadOfProgramMemory_PanPanics"),
            (BootTarget.QemuArm64, "smap-write", "PAN: kernel write of program memory at 0x", "GivenAKernelWriteOfProgramMemory_PanPanics"),
            (BootTarget.QemuArm64, "smep", "PXN: kernel execution of program memory at 0x", "GivenAKernelCallIntoProgramCode_PxnPanics"),
            (BootTarget.QemuX64, "stack-smash", "stack protector: kernel stack smashed in the function at 0x", "GivenASmashedKernelStack_TheStackProtectorPanics"),
            (BootTarget.QemuArm64, "stack-smash", "stack protector: kernel stack smashed in the function at 0x", "GivenASmashedKernelStack_TheStackProtectorPanics"),
            (BootTarget.QemuX64, "wx-write", "W^X: kernel write of read-only memory at 0x", "GivenAKernelWriteToItsOwnText_WxPanics"),
            (BootTarget.QemuX64, "wx-exec", "W^X: kernel execution of non-executable memory at 0x", "GivenAKernelJumpIntoItsData_WxPanics"),
            (BootTarget.QemuArm64, "wx-write", "W^X: kernel write of read-only memory at 0x", "GivenAKernelWriteToItsOwnText_WxPanics"),
            (BootTarget.QemuArm64, "wx-exec", "W^X: kernel execution of non-executable memory at 0x", "GivenAKernelJumpIntoItsData_WxPanics"),
        }
        select BootTarget.Row(row.Rid, (row.Rid, row.Test, row.Report), row.Name);

    [TestMethod]
    [DynamicData(nameof(Violations))]
    public void GivenAViolationFromKernelContext_TheProtectionPanicsNamingItself(string rid, string test, string report)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();

        CommandResult result = target.Launch(target.Image("Probe", SelfTest), ["--kernel-args", $"uk.selftest={test}"], ["hello"]);

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"self-test {test}");
        StringAssert.Contains(result.Output, report);
        StringAssert.Contains(result.Output, "backtrace");
        Assert.DoesNotContain("Hello from", result.Output);
    }

    /// <summary>The same self-test image with no uk.selftest= runs the program as usual: the object only waits to be asked.</summary>
    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenASelfTestImageWithoutTheOption_TheProgramRuns(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();

        CommandResult result = target.Launch(target.Image("Probe", SelfTest), [], ["hello"]);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, BootTarget.Greeting);
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenAnOrdinaryImage_UkSelftestIsRefused(string rid)
    {
        CommandResult result = BootTarget.Of(rid).Boot(["--kernel-args", "uk.selftest=smap-read"], "hello");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "uk.selftest needs a self-test image");
        Assert.DoesNotContain("Hello from", result.Output);
    }
}
