// ResolveUnikraftNetwork and the network arguments of `dotnet run`: modes, port forwards, UnikraftNetworkConfig,
// and the codes UKSDK1040 (bad value), 1080 (unusable tap device), 1081 (user mode on Firecracker), 1082 (ignored forwards).
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class UnikraftNetworkTests
{
    private static TaskItem Forward(string guestPort, string? hostPort = null, string? protocol = null)
    {
        var item = new TaskItem(guestPort);
        if (hostPort is not null)
        {
            item.SetMetadata("HostPort", hostPort);
        }

        if (protocol is not null)
        {
            item.SetMetadata("Protocol", protocol);
        }

        return item;
    }

    private static (ResolveUnikraftNetwork Task, bool Succeeded, MockBuildEngine Engine) Resolve(
        string network, string backend = "qemu", string tap = "", string config = "", params ITaskItem[] forwards)
    {
        var task = new ResolveUnikraftNetwork
        {
            Network = network,
            TapDevice = tap,
            NetworkConfig = config,
            PortForwards = forwards,
            Backend = backend,
            RuntimeIdentifier = $"unikraft-{backend}-x64",
        };
        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);
        return (task, succeeded, engine);
    }

    private static ComputeUnikraftRunArguments RunTask(string network, string tap = "", string config = "", string kernelArgs = "", params ITaskItem[] forwards) => new()
    {
        LauncherPath = "/sdk/Unikraft.Launcher.dll",
        RuntimeIdentifier = "unikraft-qemu-x64",
        Backend = "qemu",
        Image = "/app/publish/Hello.qemu",
        Architecture = "x64",
        QemuPath = "/usr/bin/qemu-system-x86_64",
        Memory = "256M",
        Accel = "auto",
        KernelArgs = kernelArgs,
        Network = network,
        TapDevice = tap,
        NetworkConfig = config,
        PortForwards = forwards,
    };

    [TestMethod]
    [DataRow("", "none")]
    [DataRow("none", "none")]
    [DataRow("User", "user")]
    [DataRow(" tap ", "tap")]
    public void GivenAMode_ItResolvesLowerCase(string network, string expected)
    {
        (ResolveUnikraftNetwork task, bool succeeded, MockBuildEngine engine) = Resolve(network, tap: "tap0");

        Assert.IsTrue(succeeded, string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.AreEqual(expected, task.ResolvedNetwork);
        Assert.IsEmpty(engine.Warnings);
    }

    [TestMethod]
    public void GivenForwardsInUserMode_TheyResolveInOrderWithDefaults()
    {
        (ResolveUnikraftNetwork task, bool succeeded, _) = Resolve(
            "user", forwards: [Forward("8080", "18080"), Forward("53", protocol: "UDP"), Forward("22", "2222", "tcp"), Forward("53", "53", "tcp")]);

        Assert.IsTrue(succeeded);
        CollectionAssert.AreEqual(
            new[] { "tcp:18080:8080", "udp:53:53", "tcp:2222:22", "tcp:53:53" }, task.ResolvedPortForwards.Select(f => f.ItemSpec).ToArray());
        Assert.AreEqual("18080", task.ResolvedPortForwards[0].GetMetadata("HostPort"));
        Assert.AreEqual("8080", task.ResolvedPortForwards[0].GetMetadata("GuestPort"));
        Assert.AreEqual("udp", task.ResolvedPortForwards[1].GetMetadata("Protocol"));
    }

    [TestMethod]
    [DataRow("none", "UnikraftNetwork is 'none'.")]
    [DataRow("tap", "On a tap device the guest has an address of its own")]
    public void GivenForwardsOutsideUserMode_TheyAreIgnoredWithUKSDK1082(string network, string expected)
    {
        (ResolveUnikraftNetwork task, bool succeeded, MockBuildEngine engine) = Resolve(network, tap: "tap0", forwards: [Forward("8080"), Forward("80")]);

        Assert.IsTrue(succeeded);
        BuildWarningEventArgs warning = engine.Warnings.Single();
        Assert.AreEqual("UKSDK1082", warning.Code);
        StringAssert.StartsWith(warning.Message, "2 UnikraftPortForward item(s) ignored: port forwards need UnikraftNetwork=user");
        StringAssert.Contains(warning.Message, expected);
        Assert.IsEmpty(task.ResolvedPortForwards);
    }

    [TestMethod]
    [DataRow("0", null, null, "UnikraftPortForward '0'")]
    [DataRow("http", null, null, "UnikraftPortForward 'http'")]
    [DataRow("8080", "65536", null, "the HostPort metadata of UnikraftPortForward '8080'")]
    [DataRow("8080", "-1", null, "the HostPort metadata")]
    [DataRow("8080", null, "sctp", "the Protocol metadata of UnikraftPortForward '8080'")]
    public void GivenABadForward_ItFailsWithUKSDK1040(string guest, string? host, string? protocol, string expected)
    {
        (_, bool succeeded, MockBuildEngine engine) = Resolve("user", forwards: [Forward(guest, host, protocol)]);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, expected);
    }

    [TestMethod]
    public void GivenAHostPortForwardedTwice_ItFailsWithUKSDK1040()
    {
        (_, bool succeeded, MockBuildEngine engine) = Resolve("user", forwards: [Forward("80", "8080"), Forward("8080")]);

        Assert.IsFalse(succeeded);
        StringAssert.Contains(engine.Errors.Single().Message, "the host's tcp port 8080 is forwarded twice");
    }

    [TestMethod]
    public void GivenUserModeOnFirecracker_ItFailsWithUKSDK1081SuggestingTap()
    {
        (_, bool succeeded, MockBuildEngine engine) = Resolve("user", backend: "fc");

        Assert.IsFalse(succeeded);
        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("UKSDK1081", error.Code);
        StringAssert.Contains(error.Message, "which Firecracker (unikraft-fc-x64) does not have. Use UnikraftNetwork=tap with UnikraftTapDevice");
        Assert.IsTrue(Resolve("tap", backend: "fc", tap: "tap0").Succeeded);
    }

    [TestMethod]
    [DataRow("bridge", "UnikraftNetwork", "expected none, user or tap")]
    [DataRow("tap", "UnikraftTapDevice", "UnikraftNetwork=tap needs the name of an existing tap device")]
    public void GivenABadModeOrNoTapDevice_ItFailsWithUKSDK1040(string network, string property, string expected)
    {
        (_, bool succeeded, MockBuildEngine engine) = Resolve(network);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, $"of {property} is invalid: {expected}");
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("net.ip=10.0.0.2/24")]
    [DataRow("net.ip=10.0.0.2/24 net.gw=10.0.0.1 net.dns=10.0.0.1")]
    [DataRow("  net.dns=1.1.1.1 net.dns=2001:4860:4860::8888   net.ip=192.168.1.9/32 net.wait=30 ")]
    [DataRow("net.en1.ip=10.1.0.2/16 net.en1.gw=10.1.0.1 net.en1.dns=10.1.0.1 net.wait=0")]
    public void GivenAWellFormedNetworkConfig_ItPasses(string config) => Assert.IsTrue(Resolve("user", config: config).Succeeded);

    [TestMethod]
    [DataRow("net.ip=10.0.0.2", "net.ip takes ADDRESS/PREFIX, e.g. net.ip=10.0.0.2/24, not 'net.ip=10.0.0.2'.")]
    [DataRow("net.ip=10.0.0.2/33", "net.ip takes ADDRESS/PREFIX")]
    [DataRow("net.ip=10.0.0.256/24", "net.ip takes ADDRESS/PREFIX")]
    [DataRow("net.ip=10.0.0.2/24 net.gw=gateway", "net.gw takes an IPv4 address")]
    [DataRow("net.gw=fe80::1", "net.gw takes an IPv4 address")]
    [DataRow("net.dns=1.1.1.1,8.8.8.8", "net.dns takes one IPv4 or IPv6 address (repeat the option for more)")]
    [DataRow("net.dns=1.1.1.1 net.dns=2.2.2.2 net.en1.dns=3.3.3.3 net.dns=4.4.4.4", "at most 3 name servers (net.dns=).")]
    [DataRow("net.wait=301", "net.wait takes 0 to 300 (seconds)")]
    [DataRow("net.eth0.ip=10.0.0.2/24", "'net.eth0.ip=10.0.0.2/24' is not a network option: expected net.ip=ADDRESS/PREFIX")]
    [DataRow("net.en0.wait=1", "'net.en0.wait=1' is not a network option")]
    [DataRow("ip=10.0.0.2/24", "'ip=10.0.0.2/24' is not a network option")]
    [DataRow("uk.log=info", "'uk.log=info' is not a network option")]
    public void GivenAMalformedNetworkConfig_ItFailsWithUKSDK1040(string config, string expected)
    {
        (_, bool succeeded, MockBuildEngine engine) = Resolve("user", config: config);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, $"of UnikraftNetworkConfig is invalid: {expected}");
    }

    [TestMethod]
    public void GivenUserModeWithForwards_DotnetRunPassesNetAndEachForwardInOrder()
    {
        ComputeUnikraftRunArguments task = RunTask("user", forwards: [new TaskItem("tcp:18080:8080"), new TaskItem("udp:5353:53")]);

        Assert.IsTrue(TaskRunner.Run(task).Succeeded);
        StringAssert.EndsWith(task.RunArguments, "--accel auto --net user --forward tcp:18080:8080 --forward udp:5353:53 --");
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("none")]
    public void GivenNoNetwork_DotnetRunPassesNoNetworkOption(string network)
    {
        ComputeUnikraftRunArguments task = RunTask(network);

        Assert.IsTrue(TaskRunner.Run(task).Succeeded);
        Assert.DoesNotContain("--net", task.RunArguments);
    }

    [TestMethod]
    public void GivenANetworkConfig_ItLeadsTheKernelArgsUnchanged()
    {
        ComputeUnikraftRunArguments task = RunTask("user", config: " net.ip=10.0.2.15/24 net.gw=10.0.2.2 ", kernelArgs: "uk.log=info");

        Assert.IsTrue(TaskRunner.Run(task).Succeeded);
        StringAssert.Contains(task.RunArguments, "--kernel-args \"net.ip=10.0.2.15/24 net.gw=10.0.2.2 uk.log=info\" ");
    }

    [TestMethod]
    public void GivenAMissingTapDevice_DotnetRunFailsWithUKSDK1080BeforeAnythingStarts()
    {
        ComputeUnikraftRunArguments task = RunTask("tap", tap: "uknotap8");

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("UKSDK1080", error.Code);
        StringAssert.StartsWith(error.Message, "The tap device 'uknotap8' (UnikraftTapDevice) cannot be used: it does not exist (/sys/class/net/uknotap8 is missing)");
        Assert.AreEqual("", task.RunArguments);
    }
}
