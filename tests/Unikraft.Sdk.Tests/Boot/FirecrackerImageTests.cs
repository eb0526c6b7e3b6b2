// The unikraft-fc-x64 image: published through the SDK, booted on QEMU microvm (the Firecracker machine
// model is the closest QEMU has) and, when a firecracker binary is on PATH, on Firecracker itself.
namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
public sealed class FirecrackerImageTests
{
    private const string Rid = "unikraft-fc-x64";

    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(Unikraft.Launcher.LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    private static string Image()
    {
        HostTools.Require("qemu-system-x86_64", "ld");
        if (TestImages.DefaultRuntimePack(Rid) is null)
        {
            Prerequisite.Missing($"no staged {Rid} runtime pack (make -C runtime-packs)");
        }

        return TestImages.Publish(Repository.PathOf("tests", "apps", "Probe"), Rid);
    }

    [TestMethod]
    [DataRow("hello", 0, "Hello from a .NET unikernel!")]
    [DataRow("exit", 3, "exiting with 3")]
    public void GivenTheFirecrackerImage_ItBootsOnQemuMicrovmAndReportsItsExitCode(string mode, int code, string expected)
    {
        string image = Image();
        StringAssert.EndsWith(image, ".fc");
        string[] programArgs = mode == "exit" ? ["exit", "3"] : [mode];

        CommandResult result = Command.Run(
            "dotnet", ["exec", LauncherPath, "--image", image, "--memory", "128M", "--accel", "tcg", "--", .. programArgs],
            timeout: TimeSpan.FromMinutes(2));

        Assert.AreEqual(code, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, expected);
        if (code != 0)
        {
            StringAssert.Contains(result.Output, $"[uk] exit: code {code}");
        }
    }

    [TestMethod]
    public void GivenAFirecrackerBinary_TheImageBootsThere()
    {
        string? firecracker = Unikraft.Sdk.ExecutableSearch.Find("firecracker");
        if (firecracker is null || !File.Exists("/dev/kvm"))
        {
            Prerequisite.Unavailable("no firecracker binary on PATH (it is in no registry here)");
        }

        string image = Image();
        string folder = NativeFixtures.NewFolder("fc");
        string config = Path.Combine(folder, "vm.json");
        File.WriteAllText(config, $$"""
            {
              "boot-source": { "kernel_image_path": "{{image}}", "boot_args": "console=ttyS0 -- hello" },
              "drives": [],
              "machine-config": { "vcpu_count": 1, "mem_size_mib": 128, "smt": false }
            }
            """);

        CommandResult result = Command.Run(firecracker, ["--no-api", "--config-file", config], timeout: TimeSpan.FromMinutes(1));

        StringAssert.Contains(result.Output, "Hello from a .NET unikernel!", result.ToString());
    }
}
