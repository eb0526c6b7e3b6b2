// BacktraceResolver and the console's backtrace scan: a panic's bare addresses become function names from the ELF
// beside the image, which has no symbol tables of its own.
using Unikraft.Launcher;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Unit")]
public sealed class BacktraceResolverTests
{
    [TestMethod]
    public void GivenAPanicInTheLog_TheTapKeepsTheLastBacktracesAddresses()
    {
        var tap = new ConsoleTap();
        tap.Scan("  backtrace (kernel addresses; resolve with addr2line -e <image>.elf):\n    #0 0x111\n    #1 0x222\n"u8);
        tap.Scan("[uk] PANIC at x.c:1: again\n  backtrace (kernel addresses; resolve with addr2line -e <image>.elf):\n"u8);
        tap.Scan("    #0 0x54e1a2\n    #1 0x54f000\n[uk] exit: kernel panic\n    #9 0x999\n"u8);

        CollectionAssert.AreEqual(new ulong[] { 0x54e1a2, 0x54f000 }, tap.Backtrace.ToArray());
    }

    [TestMethod]
    [DataRow("    #3 0x54e1a2", 0x54e1a2UL)]
    [DataRow("#0 0x1", 0x1UL)]
    public void GivenABacktraceLine_ItsAddressIsRead(string line, ulong address) =>
        Assert.AreEqual(address, ConsoleTap.FrameAddress(line));

    [TestMethod]
    [DataRow("  rax 0000000000000008")]
    [DataRow("    #3 54e1a2")]
    [DataRow("[uk] exit: kernel panic")]
    public void GivenAnotherLine_ItIsNoFrame(string line) => Assert.IsNull(ConsoleTap.FrameAddress(line));

    [TestMethod]
    public void GivenAddr2linesPairs_EachFrameGetsItsFunctionAndPlace()
    {
        // Without debug information addr2line names the function and guesses a file without a line: left out.
        IReadOnlyList<string> lines = BacktraceResolver.Format([0x10, 0x20], ["uk_panic_at", "printk.c:170", "uk_boot_main", "ethernet.c:?"]);

        CollectionAssert.AreEqual(new[] { "  #0 0x10 uk_panic_at at printk.c:170", "  #1 0x20 uk_boot_main" }, lines.ToArray());
    }

    [TestMethod]
    public void GivenAnImageWithTheElfBesideIt_TheElfHoldsTheSymbols()
    {
        string folder = NativeFixtures.NewFolder("backtrace");
        string image = Path.Combine(folder, "App.qemu");
        File.WriteAllBytes(image, [1, 2, 3, 4]);
        Assert.IsNull(BacktraceResolver.SymbolFile(image), "an image that is no ELF and has no ELF beside it");
        File.WriteAllBytes(image + ".elf", "\u007fELF"u8.ToArray());
        Assert.AreEqual(image + ".elf", BacktraceResolver.SymbolFile(image));
        Assert.AreEqual("aarch64-linux-gnu-addr2line", BacktraceResolver.Tool("arm64"));
        Assert.AreEqual("addr2line", BacktraceResolver.Tool("x64"));
    }
}
