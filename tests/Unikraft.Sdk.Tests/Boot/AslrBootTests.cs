// Per-boot layout randomisation (runtime-packs/kernel/lib/mm/layout.c): with uk.log=debug the kernel prints one
// "layout:" line (image range, brk start, mmap base, main stack top). Two boots of the same image print different
// ones, and the program's own addresses (Probe "layout": its main and another thread's stack, an mmap, the brk)
// lie in the regions that line names; with uk.aslr=off two boots print the same line, at the fixed places. The
// image itself is not moved (it is linked at a fixed address: the kernel README's "Layout randomisation").
using System.Globalization;
using System.Text.RegularExpressions;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed partial class AslrBootTests
{
    private const ulong MainStackSize = 8UL << 20, MmapBaseOff = 0x1000_0000_0000, StackTopOff = 0x5fff_c000_0000;

    public static IEnumerable<object[]> Rids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    private sealed record Layout(ulong ImageStart, ulong ImageEnd, ulong Brk, ulong MmapBase, ulong StackTop, bool Randomized,
        ulong Stack, ulong ThreadStack, ulong Mmap, ulong ProgramBrk, ulong Code, string KernelLine);

    [GeneratedRegex(@"layout: image 0x([0-9a-f]+)-0x([0-9a-f]+), brk 0x([0-9a-f]+), mmap base 0x([0-9a-f]+), stack top 0x([0-9a-f]+) \(aslr (on|off)\)")]
    private static partial Regex KernelLayout();

    [GeneratedRegex(@"program layout: stack ([0-9a-f]+) thread stack ([0-9a-f]+) mmap ([0-9a-f]+) brk ([0-9a-f]+) code ([0-9a-f]+)")]
    private static partial Regex ProgramLayout();

    private static ulong Hex(Group g) => ulong.Parse(g.Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Boots Probe "layout" with uk.log=debug (and <paramref name="kernelArgs"/>): it must run, and its addresses must lie where the kernel's line says.</summary>
    private static Layout BootLayout(BootTarget target, string kernelArgs)
    {
        CommandResult result = target.Boot(["--kernel-args", $"uk.log=debug {kernelArgs}".Trim()], "layout");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "LAYOUT: PASS", result.ToString());
        Match k = KernelLayout().Match(result.Output), p = ProgramLayout().Match(result.Output);
        Assert.IsTrue(k.Success && p.Success, $"no layout lines:\n{result}");
        var l = new Layout(Hex(k.Groups[1]), Hex(k.Groups[2]), Hex(k.Groups[3]), Hex(k.Groups[4]), Hex(k.Groups[5]), k.Groups[6].Value == "on",
            Hex(p.Groups[1]), Hex(p.Groups[2]), Hex(p.Groups[3]), Hex(p.Groups[4]), Hex(p.Groups[5]), k.Value);

        string where = $"{l}\n{result}";
        Assert.IsTrue(l.Stack < l.StackTop && l.Stack >= l.StackTop - MainStackSize, $"main stack outside its mapping: {where}");
        Assert.IsTrue(l.ThreadStack >= l.MmapBase && l.ThreadStack < l.StackTop - MainStackSize, $"thread stack not from mmap: {where}");
        Assert.IsTrue(l.Mmap >= l.MmapBase && l.Mmap < l.StackTop - MainStackSize, $"mmap below its base: {where}");
        Assert.IsTrue(l.ProgramBrk >= l.Brk && l.ProgramBrk <= l.Brk + (1UL << 30), $"brk outside its heap: {where}");
        Assert.IsTrue(l.Code >= l.ImageStart && l.Code < l.ImageEnd && l.Brk > l.ImageEnd, $"code outside the image: {where}");
        Assert.IsTrue(l.MmapBase >= MmapBaseOff && l.StackTop <= StackTopOff && l.MmapBase % 4096 == 0 && l.StackTop % 4096 == 0
            && l.Brk % 4096 == 0, $"a region outside its range or not page-aligned: {where}");
        return l;
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenTwoBoots_TheLayoutDiffers(string rid)
    {
        BootTarget target = BootTarget.Of(rid);

        Layout a = BootLayout(target, ""), b = BootLayout(target, "");

        Assert.IsTrue(a.Randomized && b.Randomized);
        Assert.AreNotEqual(a.KernelLine, b.KernelLine);
        // 32, 18 and 22 bits: two boots share one by chance once in 2^18 at most.
        Assert.AreNotEqual(a.MmapBase, b.MmapBase, "mmap base");
        Assert.AreNotEqual(a.Brk, b.Brk, "brk start");
        Assert.AreNotEqual(a.StackTop, b.StackTop, "stack top");
        Assert.AreNotEqual(a.Stack, b.Stack, "the program's main stack");
        Assert.AreNotEqual(a.ThreadStack, b.ThreadStack, "a thread's stack");
        Assert.AreNotEqual(a.Mmap, b.Mmap, "an mmap");
        // Not (yet) randomised: the image is linked at a fixed address.
        Assert.AreEqual((a.ImageStart, a.ImageEnd, a.Code), (b.ImageStart, b.ImageEnd, b.Code));
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenAslrOff_TwoBootsHaveTheSameLayout(string rid)
    {
        BootTarget target = BootTarget.Of(rid);

        Layout a = BootLayout(target, "uk.aslr=off"), b = BootLayout(target, "uk.aslr=off");

        Assert.IsFalse(a.Randomized || b.Randomized);
        Assert.AreEqual(a.KernelLine, b.KernelLine);
        Assert.AreEqual((MmapBaseOff, StackTopOff, a.ImageEnd + 4096), (a.MmapBase, a.StackTop, a.Brk));
        Assert.AreEqual((a.Stack, a.Code), (b.Stack, b.Code));
    }

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenABadUkAslrValue_TheBootStopsWithAMessage(string rid)
    {
        CommandResult result = BootTarget.Of(rid).Boot(["--kernel-args", "uk.aslr=maybe"], "hello");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "bad kernel command line: uk.aslr takes on or off: 'uk.aslr=maybe'");
        Assert.DoesNotContain("Hello from", result.Output);
    }
}
