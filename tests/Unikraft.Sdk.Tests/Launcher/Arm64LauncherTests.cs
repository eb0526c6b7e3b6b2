// Boots an arm64 Image made by Arm64Image from Fixtures/arm64-kernel.S with the real launcher and
// qemu-system-aarch64: QEMU accepts the header, enters at the branch, loads .data, and the semihosting exit
// status is the launcher's exit code. Needs no kernel core, so it runs before the arm64 kernel boots.
using Unikraft.Sdk.Tasks;
using Unikraft.Sdk.Tests.Tasks;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Boot")]
public sealed class Arm64LauncherTests
{
    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(Unikraft.Launcher.LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    private static string Image(string suffix)
    {
        HostTools.Require("qemu-system-aarch64");
        string elf = Arm64ImageTests.BuildKernelElf();
        string image = Path.ChangeExtension(elf, suffix);
        Arm64Image.Write(elf, image);
        return image;
    }

    private static CommandResult Launch(string image, params string[] args) =>
        Command.Run("dotnet", ["exec", LauncherPath, "--image", image, "--arch", "arm64", "--memory", "128M", "--verbose", .. args],
            timeout: TimeSpan.FromMinutes(1));

    [TestMethod]
    public void GivenAnArm64Image_QemuVirtBootsItUnderTcgAndTheSemihostingStatusIsTheExitCode()
    {
        // auto: an arm64 guest on an x86_64 host has no KVM, so it resolves to TCG with -cpu max.
        string accel = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64
            ? "auto" : "tcg";

        CommandResult result = Launch(Image(".qemu"), "--accel", accel);

        Assert.AreEqual(42, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "arm64 image: hello");
        StringAssert.Contains(result.Output, "DATA-OK!");
        StringAssert.Contains(result.Output, "-M virt -nodefaults");
        StringAssert.Contains(result.Output, "-semihosting-config enable=on,target=native");
        StringAssert.Contains(result.Output, "-accel tcg -cpu max");
    }

    [TestMethod]
    public void GivenAFirecrackerArm64Image_QemuGivesItAGicV3()
    {
        CommandResult result = Launch(Image(".fc"), "--accel", "tcg");

        Assert.AreEqual(42, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "arm64 image: hello");
        StringAssert.Contains(result.Output, "-M virt,gic-version=3");
    }
}
