// The launcher's errors before any QEMU runs: a missing image, a missing QEMU binary, an unknown option.
namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Unit")]
public sealed class LauncherErrorTests
{
    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(Unikraft.Launcher.LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    private static CommandResult Launch(string image, params string[] args) =>
        Command.Run("dotnet", ["exec", LauncherPath, "--image", image, "--memory", "64M", .. args], timeout: TimeSpan.FromMinutes(1));

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
