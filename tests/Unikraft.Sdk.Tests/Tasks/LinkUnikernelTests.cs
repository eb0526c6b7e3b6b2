// LinkUnikernel: links a real (tiny) pack with ld, patches .uk.appinfo, and turns ld failures into coded errors.
using Microsoft.Build.Utilities;
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class LinkUnikernelTests
{
    /// <summary>A pack whose files are stubs: enough for ld to produce an image with a .uk.appinfo section.</summary>
    private static (string Native, string AppObject, string Folder) StubPack(string appSource = "main: ret")
    {
        string folder = NativeFixtures.NewFolder("link");
        string native = Path.Combine(folder, "native");
        Directory.CreateDirectory(native);
        File.WriteAllText(Path.Combine(native, "unikraft.ld"), """
            ENTRY(_start)
            SECTIONS
            {
                . = 0x400000;
                .text : { *(.text*) }
                .uk.appinfo : { KEEP(*(.uk.appinfo)) }
                .data : { *(.data*) }
                .bss : { *(.bss*) }
            }
            """);
        string core = NativeFixtures.AssembleText(folder, "core", """
                    .section .uk.appinfo, "a"
                    .fill 2304, 1, 0
            """);
        NativeFixtures.Archive(Path.Combine(native, "libukcore.a"), core);
        File.Copy(NativeFixtures.AssembleText(folder, "crt1", ".text\n.globl _start\n_start: call main\nhlt\n"), Path.Combine(native, "crt1.o"));
        File.Copy(NativeFixtures.AssembleText(folder, "crti", ".text\n"), Path.Combine(native, "crti.o"));
        File.Copy(NativeFixtures.AssembleText(folder, "crtn", ".text\n"), Path.Combine(native, "crtn.o"));
        foreach (string archive in new[] { "libukcompat.a", "libc.a", "libgcc.a", "libgcc_eh.a" })
        {
            NativeFixtures.Archive(Path.Combine(native, archive));
        }

        string app = NativeFixtures.AssembleText(folder, "app", $".text\n.globl main\n{appSource}\n");
        return (native, app, folder);
    }

    private static LinkUnikernel Task(string native, string app, string image, params string[] libraries) => new()
    {
        NativeObject = app,
        NativeLibraries = libraries.Select(l => new TaskItem(l)).ToArray(),
        RuntimePackNativeDirectory = native,
        LdEmulation = "elf_x86_64",
        OutputImage = image,
        AppName = "Hello",
        DefaultCommandLine = "uk.log=info",
    };

    [TestMethod]
    public void GivenACompletePack_ItLinksAndPatchesTheImage()
    {
        (string native, string app, string folder) = StubPack();
        string image = Path.Combine(folder, "out", "Hello.qemu");
        string extra = NativeFixtures.Archive(Path.Combine(folder, "libextra.a"));
        LinkUnikernel task = Task(native, app, image, extra);

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded, string.Join('\n', engine.Errors.Select(e => e.Message)));
        Assert.IsTrue(File.Exists(image));
        Assert.AreEqual(extra, task.LinkerArguments[task.LinkerArguments.ToList().IndexOf(app) + 1]);
        ElfSection section = ElfImage.Load(image).FindSection(AppInfo.SectionName)!;
        byte[] bytes = File.ReadAllBytes(image);
        CollectionAssert.AreEqual("UKAPPINF"u8.ToArray(), bytes.AsSpan((int)section.Offset, 8).ToArray());
        CollectionAssert.AreEqual("Hello\0"u8.ToArray(), bytes.AsSpan((int)section.Offset + AppInfo.NameOffset, 6).ToArray());
        Assert.IsTrue(engine.Messages.Any(m => m.Message!.Contains("--strip-debug", StringComparison.Ordinal)), "The link line is logged.");
    }

    [TestMethod]
    public void GivenAnElfImage_TheImageHasNoSymbolTablesAndTheElfBesideItHas()
    {
        (string native, string app, string folder) = StubPack();
        string image = Path.Combine(folder, "out", "Hello.qemu");

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(Task(native, app, image));

        Assert.IsTrue(succeeded, string.Join('\n', engine.Errors.Select(e => e.Message)));
        string elf = image + LinkUnikernel.ElfSuffix;
        Assert.IsTrue(File.Exists(elf));
        Assert.IsNull(ElfImage.Load(image).FindSection(".symtab"), "the image carries no symbol table");
        Assert.IsNull(ElfImage.Load(image).FindSection(".strtab"));
        Assert.IsNotNull(ElfImage.Load(elf).FindSection(".symtab"), "the ELF beside it keeps the symbols");
        ElfSection patched = ElfImage.Load(image).FindSection(AppInfo.SectionName)!;
        CollectionAssert.AreEqual("Hello\0"u8.ToArray(), File.ReadAllBytes(image).AsSpan((int)patched.Offset + AppInfo.NameOffset, 6).ToArray(),
            "the image is made from the patched ELF");
    }

    [TestMethod]
    public void GivenDebug_TheImageIsTheElfWithItsSymbols()
    {
        (string native, string app, string folder) = StubPack();
        string image = Path.Combine(folder, "out", "Hello.qemu");
        LinkUnikernel task = Task(native, app, image);
        task.Debug = true;

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded, string.Join('\n', engine.Errors.Select(e => e.Message)));
        CollectionAssert.AreEqual(File.ReadAllBytes(image + LinkUnikernel.ElfSuffix), File.ReadAllBytes(image));
        Assert.IsNotNull(ElfImage.Load(image).FindSection(".symtab"));
    }

    [TestMethod]
    public void GivenAMissingObjCopy_ItFailsWithUKSDK1013BeforeLinking()
    {
        (string native, string app, string folder) = StubPack();
        string image = Path.Combine(folder, "out", "Hello.qemu");
        LinkUnikernel task = Task(native, app, image);
        task.ObjCopy = "/nonexistent/objcopy";

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1013", engine.Errors.Single().Code);
        Assert.IsFalse(File.Exists(image));
    }

    [TestMethod]
    public void GivenASharedLibrary_ItWarnsWithUKSDK1023AndLeavesItOut()
    {
        (string native, string app, string folder) = StubPack();
        LinkUnikernel task = Task(native, app, Path.Combine(folder, "Hello.qemu"), "/usr/lib/libssl.so");

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded);
        Assert.AreEqual("UKSDK1023", engine.Warnings.Single().Code);
        CollectionAssert.DoesNotContain(task.LinkerArguments, "/usr/lib/libssl.so");
    }

    [TestMethod]
    public void GivenAnUndefinedSymbol_ItForwardsLdErrorsAndDeletesTheImage()
    {
        (string native, string app, string folder) = StubPack("main: call undefined_runtime_function\nret");
        string image = Path.Combine(folder, "Hello.qemu");
        File.WriteAllText(image, "stale image from an earlier link");

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(Task(native, app, image));

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1020", engine.Errors[^1].Code);
        Assert.IsTrue(engine.Errors.Any(e => e.Code == "UKSDK1021" && e.Message!.Contains("undefined_runtime_function", StringComparison.Ordinal)));
        Assert.IsFalse(File.Exists(image), "A failed link must not leave an image that looks up to date.");
    }

    [TestMethod]
    public void GivenAScriptWithoutAppInfo_ItFailsWithUKSDK1030AndDeletesTheImage()
    {
        (string native, string app, string folder) = StubPack();
        File.WriteAllText(Path.Combine(native, "unikraft.ld"), "ENTRY(_start)\nSECTIONS { . = 0x400000; .text : { *(.text*) } /DISCARD/ : { *(.uk.appinfo) } }\n");
        string image = Path.Combine(folder, "Hello.qemu");

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(Task(native, app, image));

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1030", engine.Errors.Single().Code);
        Assert.IsFalse(File.Exists(image));
    }

    [TestMethod]
    public void GivenAMissingLinker_ItFailsWithUKSDK1010()
    {
        LinkUnikernel task = Task("/pack/", "app.o", "/tmp/never.qemu");
        task.Linker = "/nonexistent/ld";

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1010", engine.Errors.Single().Code);
    }

    [TestMethod]
    public void GivenTheArm64ImageFormat_ItLinksTheElfWithCrtBeginAndWritesTheImageFromIt()
    {
        string native = FakeRuntimePack.ForArm64("unikraft-qemu-arm64");
        string folder = NativeFixtures.NewFolder("link-arm64");
        string app = NativeFixtures.AssembleAArch64(folder, "app", ".text\n.globl main\nmain: mov w0, #7\nret\n");
        string image = Path.Combine(folder, "out", "Hello.qemu");
        var task = new LinkUnikernel
        {
            NativeObject = app,
            RuntimePackNativeDirectory = native,
            LdEmulation = "aarch64linux",
            OutputImage = image,
            AppName = "Hello",
            Linker = "aarch64-linux-gnu-ld",
            ImageFormat = ImageFormats.Arm64Image,
        };

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded, string.Join('\n', engine.Errors.Select(e => e.Message)));
        string elf = image + LinkUnikernel.ElfSuffix;
        Assert.AreEqual(elf, task.LinkedElf);
        Assert.AreEqual(elf, task.LinkerArguments[task.LinkerArguments.ToList().IndexOf("-o") + 1]);
        Assert.AreEqual(Path.Combine(native, "crtbeginT.o"), task.LinkerArguments[task.LinkerArguments.ToList().IndexOf(app) - 1]);
        Assert.IsTrue(Arm64Image.IsImage(File.ReadAllBytes(image)));
        CollectionAssert.AreEqual(Arm64Image.Convert(File.ReadAllBytes(elf)), File.ReadAllBytes(image), "the image is the converted, patched ELF");

        // The ELF is a static Linux arm64 program (the fake pack has no kernel): main's 7 is its exit status.
        string? qemu = Unikraft.Sdk.ExecutableSearch.Find("qemu-aarch64-static") ?? Unikraft.Sdk.ExecutableSearch.Find("qemu-aarch64");
        if (qemu is not null)
        {
            Assert.AreEqual(7, Command.Run(qemu, [elf]).ExitCode);
        }
    }

    [TestMethod]
    public void GivenAnUnknownImageFormat_ItFailsWithUKSDK1040()
    {
        LinkUnikernel task = Task("/pack/", "app.o", "/tmp/never.qemu");
        task.ImageFormat = "uimage";

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
    }

    [TestMethod]
    public void GivenADefaultStackSize_TheStackHeaderOfTheElfAndTheImageCarriesIt()
    {
        (string native, string app, string folder) = StubPack();
        string image = Path.Combine(folder, "out", "Hello.qemu");
        LinkUnikernel task = Task(native, app, image);
        task.DefaultStackSize = "1572864";

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded, string.Join('\n', engine.Errors.Select(e => e.Message)));
        foreach (string file in new[] { image, task.LinkedElf })
        {
            ElfSegment stack = ElfImage.Load(file).Segments.Single(s => s.Type == ThreadStackSize.TypeGnuStack);
            Assert.AreEqual(1572864UL, stack.MemorySize, file);
        }
    }

    [TestMethod]
    public void GivenAScriptWithoutAStackHeader_ItFailsWithUKSDK1036AndDeletesTheImage()
    {
        (string native, string app, string folder) = StubPack();
        File.WriteAllText(Path.Combine(native, "unikraft.ld"), """
            ENTRY(_start)
            PHDRS { text PT_LOAD FILEHDR PHDRS FLAGS(7); }
            SECTIONS
            {
                . = 0x400000 + SIZEOF_HEADERS;
                .text : { *(.text*) } :text
                .uk.appinfo : { KEEP(*(.uk.appinfo)) } :text
                .data : { *(.data*) } :text
                .bss : { *(.bss*) } :text
            }
            """);
        string image = Path.Combine(folder, "out", "Hello.qemu");
        LinkUnikernel task = Task(native, app, image);
        task.DefaultStackSize = "1572864";

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1036", engine.Errors.Single().Code);
        Assert.IsFalse(File.Exists(image));
    }

    [TestMethod]
    [DataRow("1.5M")]
    [DataRow("-1")]
    [DataRow("65536")]
    [DataRow("16777216")]
    public void GivenAnUnusableDefaultStackSize_ItFailsWithUKSDK1040(string size)
    {
        LinkUnikernel task = Task("/pack/", "app.o", "/tmp/never.qemu");
        task.DefaultStackSize = size;

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, "IlcDefaultStackSize");
    }
}
