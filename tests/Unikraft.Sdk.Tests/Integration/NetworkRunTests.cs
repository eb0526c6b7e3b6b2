// `dotnet run` of the Probe with a network: user mode with two UnikraftPortForward items and UnikraftNetworkConfig
// (QEMU gets the device and the rules, the kernel line the options, which the kernel applies to en0; the forwards
// are printed), and the errors
// before anything starts: a missing tap device (UKSDK1080), user mode on a Firecracker RID (UKSDK1081).
namespace Unikraft.Sdk.Tests.Integration;

[TestClass]
[TestCategory("Boot")]
public sealed class NetworkRunTests
{
    private const string Greeting = "Hello from a .NET unikernel!";

    private static (TestProject Project, string Pack) Probe(string rid, string items = "")
    {
        HostTools.Require("qemu-system-x86_64", "ld");
        string? pack = TestImages.DefaultRuntimePack(rid);
        if (pack is null || !File.Exists(Path.Combine(pack, "pack.json")))
        {
            Prerequisite.Missing($"no staged {rid} runtime pack (make -C runtime-packs RIDS={rid})");
        }

        TestProject project = TestProject.CopyOf("Probe", Repository.PathOf("tests", "apps", "Probe"));
        File.WriteAllText(Path.Combine(project.Directory, "Directory.Build.targets"), $"<Project><ItemGroup>{items}</ItemGroup></Project>");
        return (project, pack);
    }

    [TestMethod]
    public void GivenUserModeWithForwards_DotnetRunAttachesTheDevicePrintsTheForwardsAndPassesTheConfig()
    {
        (TestProject project, string pack) = Probe(
            "unikraft-qemu-x64", """<UnikraftPortForward Include="8080" HostPort="0" /><UnikraftPortForward Include="53" Protocol="udp" HostPort="47053" />""");
        // HostPort 0 is invalid: the first run must fail with UKSDK1040 before QEMU starts.
        CommandResult bad = project.Dotnet("run", "-r", "unikraft-qemu-x64", "-c", "Release", $"-p:UnikraftRuntimePackDir={pack}", "-p:UnikraftNetwork=user");
        Assert.AreNotEqual(0, bad.ExitCode, bad.ToString());
        StringAssert.Contains(bad.Output, "UKSDK1040");

        File.WriteAllText(Path.Combine(project.Directory, "Directory.Build.targets"), """
            <Project><ItemGroup>
              <UnikraftPortForward Include="8080" HostPort="47080" />
              <UnikraftPortForward Include="53" Protocol="udp" HostPort="47053" />
            </ItemGroup></Project>
            """);
        CommandResult run = project.Dotnet(
            "run", "-r", "unikraft-qemu-x64", "-c", "Release", $"-p:UnikraftRuntimePackDir={pack}", "-p:UnikraftAccel=tcg", "-p:UnikraftMemory=128M",
            "-p:UnikraftVerbose=true", "-p:UnikraftNetwork=user", "-p:UnikraftNetworkConfig=net.ip=10.0.2.15/24 net.gw=10.0.2.2",
            "-p:UnikraftKernelArgs=uk.log=info", "--", "hello");

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, Greeting);
        StringAssert.Contains(run.Output, "unikraft: forwarding tcp 127.0.0.1:47080 to the guest's port 8080 (http://127.0.0.1:47080/ for a web server)");
        StringAssert.Contains(run.Output, "unikraft: forwarding udp 127.0.0.1:47053 to the guest's port 53");
        StringAssert.Contains(run.Output, "-netdev user,id=net0,hostfwd=tcp:127.0.0.1:47080-:8080,hostfwd=udp:127.0.0.1:47053-:53 -device virtio-net-device,netdev=net0,mac=");
        StringAssert.Contains(run.Output, "net.ip=10.0.2.15/24 net.gw=10.0.2.2 uk.log=info -- hello");
        StringAssert.Contains(run.Output, ": network device en0, ");
        StringAssert.Contains(run.Output, "10.0.2.15/24 gw 10.0.2.2 (static)"); // the kernel read UnikraftNetworkConfig
    }

    [TestMethod]
    public void GivenAMissingTapDevice_DotnetRunFailsWithUKSDK1080()
    {
        (TestProject project, string pack) = Probe("unikraft-qemu-x64", """<UnikraftPortForward Include="8080" />""");

        CommandResult run = project.Dotnet(
            "run", "-r", "unikraft-qemu-x64", "-c", "Release", $"-p:UnikraftRuntimePackDir={pack}", "-p:UnikraftNetwork=tap", "-p:UnikraftTapDevice=uknotap7");

        Assert.AreNotEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "UKSDK1082");
        StringAssert.Contains(run.Output, "UKSDK1080: The tap device 'uknotap7' (UnikraftTapDevice) cannot be used: it does not exist");
        Assert.DoesNotContain("-netdev", run.Output);
    }

    [TestMethod]
    public void GivenUserModeOnAFirecrackerRid_DotnetRunFailsWithUKSDK1081()
    {
        (TestProject project, string pack) = Probe("unikraft-fc-x64");

        CommandResult run = project.Dotnet("run", "-r", "unikraft-fc-x64", "-c", "Release", $"-p:UnikraftRuntimePackDir={pack}", "-p:UnikraftNetwork=user");

        Assert.AreNotEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "UKSDK1081: UnikraftNetwork=user is QEMU's user-mode network, which Firecracker (unikraft-fc-x64) does not have.");
    }
}
