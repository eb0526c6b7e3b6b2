// LaunchOptions: parses the launcher's command line and rejects every malformed one.
using Unikraft.Launcher;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Unit")]
public sealed class LaunchOptionsTests
{
    [TestMethod]
    public void GivenEveryOption_ItParsesThemAndKeepsProgramArgumentsVerbatim()
    {
        LaunchOptions options = LaunchOptions.Parse(
        [
            "--image", "a.qemu", "--arch", "x64", "--qemu", "/q", "--memory", "1G", "--machine", "q35", "--accel", "tcg",
            "--kernel-args", "env.A=b", "--qemu-args", "-smp 2", "--gdb", "--verbose", "--", "--image", "x y",
        ]);

        Assert.AreEqual("a.qemu", options.Image);
        Assert.AreEqual("/q", options.Qemu);
        Assert.AreEqual("1G", options.Memory);
        Assert.AreEqual("q35", options.Machine);
        Assert.AreEqual("tcg", options.Accel);
        Assert.AreEqual("env.A=b", options.KernelArgs);
        Assert.AreEqual("-smp 2", options.QemuArgs);
        Assert.IsTrue(options.Gdb && options.Verbose);
        CollectionAssert.AreEqual(new[] { "--image", "x y" }, options.ProgramArguments.ToArray());
    }

    [TestMethod]
    public void GivenOnlyAnImage_ItUsesTheDefaults()
    {
        LaunchOptions options = LaunchOptions.Parse(["--image", "a.qemu"]);

        Assert.AreEqual("x64", options.Architecture);
        Assert.AreEqual("256M", options.Memory);
        Assert.AreEqual("auto", options.Accel);
        Assert.IsNull(options.Machine);
        Assert.IsNull(options.Qemu);
        Assert.IsEmpty(options.ProgramArguments);
    }

    [TestMethod]
    [DataRow(new string[0], "--image is required")]
    [DataRow(new[] { "--image" }, "needs a value")]
    [DataRow(new[] { "--image", "a", "--bogus" }, "unknown option")]
    [DataRow(new[] { "--image", "a", "--arch", "riscv64" }, "--arch")]
    [DataRow(new[] { "--image", "a", "--memory", "much" }, "--memory")]
    [DataRow(new[] { "--image", "a", "--accel", "hvf" }, "--accel")]
    [DataRow(new[] { "--image", "a", "--machine", "virt" }, "--machine")]
    [DataRow(new[] { "--image", "a", "--arch", "arm64", "--machine", "microvm" }, "--machine")]
    public void GivenAMalformedCommandLine_ItThrowsAUsageError(string[] args, string expected)
    {
        UsageException e = Assert.ThrowsExactly<UsageException>(() => LaunchOptions.Parse(args));
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    public void GivenHelp_ItSkipsValidation() => Assert.IsTrue(LaunchOptions.Parse(["--help"]).Help);
}
