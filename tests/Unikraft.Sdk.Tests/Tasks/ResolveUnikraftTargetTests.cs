// ResolveUnikraftTarget: each supported RID maps to its backend, CPU, image and pack; others fail with UKSDK1001.
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class ResolveUnikraftTargetTests
{
    [TestMethod]
    [DataRow("unikraft-qemu-x64", "qemu", "x64", ".qemu", "Unikraft.Runtime.qemu-x64", "qemu-system-x86_64", "linux-x64")]
    [DataRow("unikraft-qemu-arm64", "qemu", "arm64", ".qemu", "Unikraft.Runtime.qemu-arm64", "qemu-system-aarch64", "linux-arm64")]
    [DataRow("unikraft-fc-x64", "fc", "x64", ".fc", "Unikraft.Runtime.fc-x64", "qemu-system-x86_64", "linux-x64")]
    [DataRow("unikraft-fc-arm64", "fc", "arm64", ".fc", "Unikraft.Runtime.fc-arm64", "qemu-system-aarch64", "linux-arm64")]
    public void GivenASupportedRid_ItResolvesTheTarget(string rid, string backend, string arch, string suffix, string pack, string qemu, string linuxRid)
    {
        var task = new ResolveUnikraftTarget { RuntimeIdentifier = rid };
        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded);
        Assert.IsEmpty(engine.Errors);
        Assert.AreEqual(backend, task.Backend);
        Assert.AreEqual(arch, task.Architecture);
        Assert.AreEqual(suffix, task.ImageSuffix);
        Assert.AreEqual(pack, task.RuntimePackId);
        Assert.AreEqual(qemu, task.QemuBinary);
        Assert.AreEqual(linuxRid, task.LinuxRuntimeIdentifier);
    }

    [TestMethod]
    [DataRow("unikraft-qemu-riscv64")]
    [DataRow("unikraft-xen-x64")]
    [DataRow("UNIKRAFT-QEMU-X64")]
    [DataRow("linux-x64")]
    public void GivenAnUnsupportedRid_ItFailsWithUKSDK1001ListingTheSupportedOnes(string rid)
    {
        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(new ResolveUnikraftTarget { RuntimeIdentifier = rid });

        Assert.IsFalse(succeeded);
        BuildErrorAssert(engine, rid);
    }

    private static void BuildErrorAssert(MockBuildEngine engine, string rid)
    {
        Assert.AreEqual("UKSDK1001", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, rid);
        foreach (UnikraftTarget target in UnikraftTarget.All)
        {
            StringAssert.Contains(engine.Errors.Single().Message, target.RuntimeIdentifier);
        }
    }
}
