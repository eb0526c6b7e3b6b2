// ResolveHostTool: finds tools on PATH or by path; a missing linker or QEMU is a coded error with an install hint.
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class ResolveHostToolTests
{
    [TestMethod]
    public void GivenAToolOnPath_ItReturnsItsFullPath()
    {
        var task = new ResolveHostTool { Name = "sh", Kind = "Linker" };
        (bool succeeded, _) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded);
        Assert.IsTrue(Path.IsPathRooted(task.FullPath));
        Assert.IsTrue(File.Exists(task.FullPath));
    }

    [TestMethod]
    public void GivenAMissingLinker_ItFailsWithUKSDK1010AndTheBinutilsHint()
    {
        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(new ResolveHostTool { Name = "ld-does-not-exist", Kind = "Linker" });

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1010", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, "sudo apt-get install binutils");
    }

    [TestMethod]
    public void GivenAMissingQemu_ItFailsWithUKSDK1011AndThePackageHint()
    {
        var task = new ResolveHostTool { Name = "/nonexistent/qemu-system-x86_64", Kind = "Qemu", DebianPackage = "qemu-system-x86" };
        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1011", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, "sudo apt-get install qemu-system-x86");
    }

    [TestMethod]
    public void GivenANonExecutableFile_ItIsNotFound()
    {
        string file = Path.Combine(NativeFixtures.NewFolder("noexec"), "ld");
        File.WriteAllText(file, "");
        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(new ResolveHostTool { Name = file, Kind = "Linker" });

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1010", engine.Errors.Single().Code);
    }

    [TestMethod]
    public void GivenAnUnknownKind_ItFailsWithUKSDK1040()
    {
        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(new ResolveHostTool { Name = "sh", Kind = "Compiler" });

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
    }
}
