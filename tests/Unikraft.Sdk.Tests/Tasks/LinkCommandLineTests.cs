// LinkCommandLine: the exact ld argument order of docs/runtime-pack.md.
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class LinkCommandLineTests
{
    private static LinkInputs Inputs(bool keepDebugSymbols) => new(
        "/pack/", "elf_x86_64", "obj/app.o", ["/aot/libSystem.Native.a", "/aot/libbootstrapper.o", "/aot/libRuntime.WorkstationGC.a"],
        "/out/app.qemu", keepDebugSymbols);

    [TestMethod]
    public void GivenReleaseInputs_ItBuildsTheContractLinkLineInOrder()
    {
        string[] expected =
        [
            "-static", "-nostdlib", "-m", "elf_x86_64", "--eh-frame-hdr", "--gc-sections", "-z", "noexecstack",
            "--wrap=pthread_getattr_np", "-T", "/pack/unikraft.ld",
            "-o", "/out/app.qemu", "--whole-archive", "/pack/libukcore.a", "--no-whole-archive",
            "/pack/crt1.o", "/pack/crti.o", "obj/app.o",
            "/aot/libSystem.Native.a", "/aot/libbootstrapper.o", "/aot/libRuntime.WorkstationGC.a",
            "/pack/libukcompat.a", "/pack/libc.a", "/pack/libgcc.a", "/pack/libgcc_eh.a", "/pack/crtn.o",
            "--strip-debug",
        ];

        CollectionAssert.AreEqual(expected, LinkCommandLine.Build(Inputs(keepDebugSymbols: false)).ToArray());
    }

    [TestMethod]
    public void GivenAPackWithCrtBeginAndEnd_TheyBracketTheProgramInsideCrtiAndCrtn()
    {
        LinkInputs inputs = new("/pack/", "aarch64linux", "obj/app.o", ["/aot/libRuntime.WorkstationGC.a"], "/out/app.qemu.elf",
            KeepDebugSymbols: true, HasCrtBeginEnd: true);
        string[] expected =
        [
            "-static", "-nostdlib", "-m", "aarch64linux", "--eh-frame-hdr", "--gc-sections", "-z", "noexecstack",
            "--wrap=pthread_getattr_np", "-T", "/pack/unikraft.ld",
            "-o", "/out/app.qemu.elf", "--whole-archive", "/pack/libukcore.a", "--no-whole-archive",
            "/pack/crt1.o", "/pack/crti.o", "/pack/crtbeginT.o", "obj/app.o", "/aot/libRuntime.WorkstationGC.a",
            "/pack/libukcompat.a", "/pack/libc.a", "/pack/libgcc.a", "/pack/libgcc_eh.a", "/pack/crtend.o", "/pack/crtn.o",
        ];

        CollectionAssert.AreEqual(expected, LinkCommandLine.Build(inputs).ToArray());
    }

    [TestMethod]
    public void GivenAPackFolder_CrtBeginAndEndCountOnlyWhenBothExist()
    {
        string pack = NativeFixtures.NewFolder("crtbegin");
        Assert.IsFalse(LinkCommandLine.PackHasCrtBeginEnd(pack));
        File.WriteAllText(Path.Combine(pack, "crtbeginT.o"), "");
        Assert.IsFalse(LinkCommandLine.PackHasCrtBeginEnd(pack));
        File.WriteAllText(Path.Combine(pack, "crtend.o"), "");
        Assert.IsTrue(LinkCommandLine.PackHasCrtBeginEnd(pack));
    }

    [TestMethod]
    public void GivenNoNetworking_ItLinksTheKernelCoreWithoutTheNetworkStack()
    {
        string[] arguments = [.. LinkCommandLine.Build(Inputs(keepDebugSymbols: false) with { Networking = false })];
        int core = Array.IndexOf(arguments, "--whole-archive") + 1;
        Assert.AreEqual("/pack/libukcore-nonet.a", arguments[core]);
        CollectionAssert.DoesNotContain(arguments, "/pack/libukcore.a");
        CollectionAssert.AreEqual(
            LinkCommandLine.Build(Inputs(keepDebugSymbols: false)).Where((_, i) => i != core).ToArray(),
            arguments.Where((_, i) => i != core).ToArray(),
            "Only the kernel core changes.");
    }

    [TestMethod]
    public void GivenAPackFolder_TheCoreWithoutNetworkingCountsOnlyWhenItExists()
    {
        string pack = NativeFixtures.NewFolder("nonet");
        Assert.IsFalse(LinkCommandLine.PackHasNoNetworkCore(pack));
        File.WriteAllText(Path.Combine(pack, "libukcore-nonet.a"), "");
        Assert.IsTrue(LinkCommandLine.PackHasNoNetworkCore(pack));
    }

    [TestMethod]
    public void GivenDebug_ItKeepsDebugSymbols()
    {
        IReadOnlyList<string> arguments = LinkCommandLine.Build(Inputs(keepDebugSymbols: true));
        CollectionAssert.DoesNotContain(arguments.ToArray(), "--strip-debug");
        Assert.AreEqual("/pack/crtn.o", arguments[^1]);
    }

    [TestMethod]
    [DataRow("/x/libz.a", true)]
    [DataRow("/x/libbootstrapper.o", true)]
    [DataRow("/x/LIBFOO.A", true)]
    [DataRow("/x/libssl.so", false)]
    [DataRow("ssl", false)]
    public void GivenALibraryPath_ItLinksOnlyArchivesAndObjects(string path, bool linkable) =>
        Assert.AreEqual(linkable, LinkCommandLine.IsLinkable(path));

    [TestMethod]
    public void GivenArgumentsWithBlanks_FormatQuotesThemForTheLog() =>
        Assert.AreEqual("ld -o '/a b/c' x", LinkCommandLine.Format("ld", ["-o", "/a b/c", "x"]));
}
