// Boots the PVH test kernel with the real launcher and QEMU: exit codes, panic, fallback and argument quoting.
namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
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

    [TestMethod]
    public void GivenAMissingImage_TheLauncherReturns125WithUKSDK2002()
    {
        CommandResult result = Launch("/nonexistent/image.qemu");

        Assert.AreEqual(125, result.ExitCode);
        StringAssert.Contains(result.Output, "UKSDK2002");
    }

    [TestMethod]
    public void GivenAMissingQemu_TheLauncherReturns127WithTheInstallHint()
    {
        string image = Path.Combine(NativeFixtures.NewFolder("noqemu"), "x.qemu");
        File.WriteAllText(image, "");

        CommandResult result = Launch(image, "--qemu", "/nonexistent/qemu-system-x86_64");

        Assert.AreEqual(127, result.ExitCode);
        StringAssert.Contains(result.Output, "UKSDK2001");
        StringAssert.Contains(result.Output, "sudo apt-get install qemu-system-x86");
    }

    [TestMethod]
    public void GivenAnUnknownOption_TheLauncherReturns125WithUsage()
    {
        CommandResult result = Launch("/x", "--bogus");

        Assert.AreEqual(125, result.ExitCode);
        StringAssert.Contains(result.Output, "UKSDK2003");
        StringAssert.Contains(result.Output, "usage:");
    }
}
