// Images without the kernel's network stack (UnikraftNetworking, libukcore-nonet.a): samples/Hello gets none by
// default and still boots with a NIC attached and net.* options given; a program built with UnikraftNetworking=false
// sees socket() fail with EAFNOSUPPORT, as on a Linux kernel without the protocols.
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class NoNetworkBootTests
{
    public static IEnumerable<object[]> Rids => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    [TestMethod]
    [DynamicData(nameof(Rids))]
    public void GivenHelloWithANicAndNetOptions_ItBootsWithoutTheNetworkStack(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        string image = TestImages.Publish(Repository.PathOf("samples", "Hello"), target.Rid);
        string device = target.IsArm64 ? "virtio-net-pci" : "virtio-net-device";

        CommandResult result = target.Launch(image,
            ["--qemu-args", $"-netdev user,id=n0 -device {device},netdev=n0", "--kernel-args", "uk.log=info net.ip=10.0.2.15/24"], ["a"]);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, BootTarget.Greeting, result.ToString());
        StringAssert.Contains(result.Output, "network device left alone: this image has no network stack", result.ToString());
        StringAssert.Contains(result.Output, "'net.ip=10.0.2.15/24' and the other net.* options are ignored", result.ToString());
        string[] symbols = [.. KernelNetworking.DefinedSymbols(File.ReadAllBytes(image + LinkUnikernel.ElfSuffix))];
        CollectionAssert.Contains(symbols, "uk_arch_entry", "the ELF beside the image has its symbol table");
        CollectionAssert.DoesNotContain(symbols, "uk_lwip_tcp_write", "lwIP is not linked");
    }

    [TestMethod]
    public void GivenNetworkingOff_ASocketFailsWithEafnosupport()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();
        string image = target.Image("Probe", new Dictionary<string, string> { ["UnikraftNetworking"] = "false" });

        CommandResult result = target.Launch(image, [], ["net"]);

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "Address family not supported by protocol", result.ToString());
    }
}
