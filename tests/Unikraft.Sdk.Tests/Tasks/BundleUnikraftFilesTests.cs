// BundleUnikraftFiles and CpioArchive: the archive layout the kernel parses, the object objcopy makes of
// it, and the coded errors for bad paths and missing files.
using System.Text;
using Microsoft.Build.Utilities;
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class BundleUnikraftFilesTests
{
    [TestMethod]
    public void GivenFilesInFolders_TheArchiveListsTheFoldersThenTheFilesAndEndsWithTheTrailer()
    {
        using var stream = new MemoryStream();
        CpioArchive.Write(stream, new Dictionary<string, byte[]>
        {
            ["config/app.json"] = Encoding.UTF8.GetBytes("{}"),
            ["a.txt"] = Encoding.UTF8.GetBytes("hello"),
        });
        byte[] bytes = stream.ToArray();
        string text = Encoding.ASCII.GetString(bytes);

        Assert.AreEqual(0, bytes.Length % 4);
        Assert.IsTrue(text.StartsWith("070701", StringComparison.Ordinal));
        int dir = text.IndexOf("config\0", StringComparison.Ordinal);
        int file = text.IndexOf("config/app.json\0", StringComparison.Ordinal);
        int trailer = text.IndexOf("TRAILER!!!\0", StringComparison.Ordinal);
        Assert.IsTrue(dir > 0 && dir < file && file < trailer, text);
        StringAssert.Contains(text, "hello");
        // The mode field of the first entry (the directory) is S_IFDIR | 0755.
        Assert.AreEqual("000041ED", text.Substring(6 + 8, 8));
    }

    [TestMethod]
    public void GivenFiles_ObjcopyMakesAnObjectWithTheInitrdSectionAndSymbols()
    {
        HostTools.Require("objcopy", "nm");
        string folder = NativeFixtures.NewFolder("bundle");
        string source = Path.Combine(folder, "settings.json");
        File.WriteAllText(source, "{ \"x\": 1 }");
        string output = Path.Combine(folder, "out", "ukinitrd.o");
        var item = new TaskItem(source);
        item.SetMetadata("TargetPath", "config/settings.json");

        (bool ok, MockBuildEngine engine) = TaskRunner.Run(new BundleUnikraftFiles
        {
            Files = [item],
            OutputObject = output,
            LdEmulation = "elf_x86_64",
        });

        Assert.IsTrue(ok, string.Join("\n", engine.Errors.Select(e => e.Message)));
        CommandResult symbols = Command.Run("nm", [output]);
        StringAssert.Contains(symbols.Output, "_binary_ukinitrd_cpio_start");
        StringAssert.Contains(symbols.Output, "_binary_ukinitrd_cpio_end");
        CommandResult sections = Command.Run("objdump", ["-h", output]);
        StringAssert.Contains(sections.Output, ".uk.initrd");
    }

    [TestMethod]
    [DataRow("../escape.txt")]
    [DataRow("a/./b.txt")]
    public void GivenAPathLeavingTheImageRoot_ItFailsWithUKSDK1050(string target)
    {
        string folder = NativeFixtures.NewFolder("bundle-bad");
        string source = Path.Combine(folder, "f.txt");
        File.WriteAllText(source, "x");
        var item = new TaskItem(source);
        item.SetMetadata("TargetPath", target);

        (bool ok, MockBuildEngine engine) = TaskRunner.Run(new BundleUnikraftFiles
        {
            Files = [item],
            OutputObject = Path.Combine(folder, "ukinitrd.o"),
            LdEmulation = "elf_x86_64",
        });

        Assert.IsFalse(ok);
        Assert.AreEqual("UKSDK1050", engine.Errors.Single().Code);
    }

    [TestMethod]
    public void GivenAMissingFile_ItFailsWithUKSDK1051()
    {
        string folder = NativeFixtures.NewFolder("bundle-missing");
        var item = new TaskItem(Path.Combine(folder, "absent.json"));
        item.SetMetadata("TargetPath", "absent.json");

        (bool ok, MockBuildEngine engine) = TaskRunner.Run(new BundleUnikraftFiles
        {
            Files = [item],
            OutputObject = Path.Combine(folder, "ukinitrd.o"),
            LdEmulation = "elf_x86_64",
        });

        Assert.IsFalse(ok);
        Assert.AreEqual("UKSDK1051", engine.Errors.Single().Code);
    }
}
