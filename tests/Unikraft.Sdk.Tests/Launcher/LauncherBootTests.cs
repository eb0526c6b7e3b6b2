// Boots the PVH test kernel with the real launcher and QEMU: exit codes, panic, fallback and argument quoting.
// (The launcher's errors before QEMU runs are in LauncherErrorTests.)
namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Boot")]
public sealed class LauncherBootTests
{
    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(Unikraft.Launcher.LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    private static CommandResult Launch(string image, params string[] args) =>
        Command.Run("dotnet", ["exec", LauncherPath, "--image", image, "--memory", "64M", .. args], timeout: TimeSpan.FromMinutes(1));

    private static string Kernel(string? mode = null)
    {
        HostTools.Require("qemu-system-x86_64", "as", "ld");
        return NativeFixtures.PvhKernel(NativeFixtures.NewFolder("pvh"), mode);
    }

    [TestMethod]
    public void GivenAKernelThatExitsWith42_TheLauncherReturns42AndQuotesArguments()
    {
        CommandResult result = Launch(Kernel(), "--kernel-args", "env.A=b", "--accel", "tcg", "--", "hello world", "x");

        Assert.AreEqual(42, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "env.A=b -- \"hello world\" x");
    }

    [TestMethod]
    public void GivenAKernelThatPanics_TheLauncherReturns255WithTheMessage()
    {
        CommandResult result = Launch(Kernel("PANIC"), "--accel", "tcg");

        Assert.AreEqual(255, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "unikernel panicked (see the report above)");
    }

    [TestMethod]
    public void GivenNoControlLine_TheLauncherDecodesTheDebugExitStatus()
    {
        CommandResult result = Launch(Kernel("SILENT"), "--machine", "q35", "--verbose");

        Assert.AreEqual(7, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "unikraft: ");
        StringAssert.Contains(result.Output, "-M q35");
    }
}
