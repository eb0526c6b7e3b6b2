// ResolveUnikraftRuntimePack: finds the native folder (nested or flat), reads pack.json, reports every defect.
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class ResolveUnikraftRuntimePackTests
{
    private const string Rid = "unikraft-qemu-x64";
    private const string Manifest = """{"rid":"unikraft-qemu-x64","ldEmulation":"elf_x86_64","qemu":"qemu-test","defaultMachine":"q35"}""";

    private static string NewPack(bool nested = true, string manifest = Manifest, params string[] omit)
    {
        string root = NativeFixtures.NewFolder("pack");
        string native = nested ? Path.Combine(root, "runtimes", Rid, "native") : root;
        Directory.CreateDirectory(native);
        foreach (string file in ResolveUnikraftRuntimePack.RequiredFiles.Except(omit))
        {
            File.WriteAllText(Path.Combine(native, file), file == RuntimePackManifest.FileName ? manifest : "");
        }

        return root;
    }

    private static (ResolveUnikraftRuntimePack Task, bool Succeeded, MockBuildEngine Engine) Resolve(string directory, bool isOverride = false)
    {
        var task = new ResolveUnikraftRuntimePack
        {
            RuntimeIdentifier = Rid,
            PackId = "Unikraft.Runtime.qemu-x64",
            PackVersion = "1.2.3",
            PackDirectory = directory,
            IsOverride = isOverride,
        };
        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);
        return (task, succeeded, engine);
    }

    [TestMethod]
    public void GivenARestoredPackage_ItResolvesTheNestedNativeFolderAndPackJson()
    {
        string root = NewPack();
        (ResolveUnikraftRuntimePack task, bool succeeded, _) = Resolve(root);

        Assert.IsTrue(succeeded);
        Assert.AreEqual(Path.Combine(root, "runtimes", Rid, "native") + Path.DirectorySeparatorChar, task.NativeDirectory);
        Assert.AreEqual("elf_x86_64", task.LdEmulation);
        Assert.AreEqual("qemu-test", task.QemuBinary);
        Assert.AreEqual("q35", task.DefaultMachine);
    }

    [TestMethod]
    public void GivenAFlatStagedFolder_ItUsesTheFolderItself()
    {
        string root = NewPack(nested: false);
        (ResolveUnikraftRuntimePack task, bool succeeded, _) = Resolve(root, isOverride: true);

        Assert.IsTrue(succeeded);
        Assert.AreEqual(root + Path.DirectorySeparatorChar, task.NativeDirectory);
    }

    [TestMethod]
    public void GivenAPackJsonWithOnlyTheRid_ItFallsBackToTheRidDefaults()
    {
        (ResolveUnikraftRuntimePack task, bool succeeded, _) = Resolve(NewPack(manifest: """{"rid":"unikraft-qemu-x64"}"""));

        Assert.IsTrue(succeeded);
        Assert.AreEqual("elf_x86_64", task.LdEmulation);
        Assert.AreEqual("qemu-system-x86_64", task.QemuBinary);
        Assert.AreEqual("microvm", task.DefaultMachine);
        Assert.AreEqual("ld", task.Linker, "packs without \"linker\" link with ld");
        Assert.AreEqual("elf", task.ImageFormat, "packs without \"imageFormat\" are ELF images");
    }

    [TestMethod]
    public void GivenAPackJsonWithLinkerAndImageFormat_ItOutputsThem()
    {
        (ResolveUnikraftRuntimePack task, bool succeeded, _) = Resolve(NewPack(manifest:
            """{"rid":"unikraft-qemu-x64","linker":"aarch64-linux-gnu-ld","imageFormat":"arm64-image"}"""));

        Assert.IsTrue(succeeded);
        Assert.AreEqual("aarch64-linux-gnu-ld", task.Linker);
        Assert.AreEqual("arm64-image", task.ImageFormat);
    }

    [TestMethod]
    public void GivenNoPackageFolder_ItFailsWithUKSDK1002NamingThePack()
    {
        (_, bool succeeded, MockBuildEngine engine) = Resolve("/nonexistent/unikraft.runtime.qemu-x64/1.2.3");

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1002", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, "Unikraft.Runtime.qemu-x64");
        StringAssert.Contains(engine.Errors.Single().Message, "1.2.3");
    }

    [TestMethod]
    public void GivenAMissingUnikraftRuntimePackDir_ItFailsWithUKSDK1006()
    {
        (_, bool succeeded, MockBuildEngine engine) = Resolve("/nonexistent/pack", isOverride: true);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1006", engine.Errors.Single().Code);
    }

    [TestMethod]
    public void GivenAFolderWithoutNativeFiles_ItFailsWithUKSDK1003()
    {
        (_, bool succeeded, MockBuildEngine engine) = Resolve(NativeFixtures.NewFolder("empty-pack"));

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1003", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, $"runtimes/{Rid}/native/");
    }

    [TestMethod]
    public void GivenMissingLinkFiles_ItReportsEachWithUKSDK1003()
    {
        (_, bool succeeded, MockBuildEngine engine) = Resolve(NewPack(omit: ["libukcore.a", "unikraft.ld"]));

        Assert.IsFalse(succeeded);
        CollectionAssert.AreEqual(new[] { "UKSDK1003", "UKSDK1003" }, engine.ErrorCodes.ToArray());
        Assert.IsTrue(engine.Errors.Any(e => e.Message!.Contains("'libukcore.a'", StringComparison.Ordinal)));
        Assert.IsTrue(engine.Errors.Any(e => e.Message!.Contains("'unikraft.ld'", StringComparison.Ordinal)));
    }

    [TestMethod]
    [DataRow("not json")]
    [DataRow("[1, 2]")]
    [DataRow("""{"arch":"x86_64"}""")]
    public void GivenAnInvalidPackJson_ItFailsWithUKSDK1004(string manifest)
    {
        (_, bool succeeded, MockBuildEngine engine) = Resolve(NewPack(manifest: manifest));

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1004", engine.Errors.Single().Code);
    }

    [TestMethod]
    public void GivenAPackForAnotherRid_ItFailsWithUKSDK1005()
    {
        (_, bool succeeded, MockBuildEngine engine) = Resolve(NewPack(manifest: """{"rid":"unikraft-fc-x64"}"""));

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1005", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, "unikraft-fc-x64");
    }
}
