// The Probe published for unikraft-fc-x64 with the staged pack: <App>.fc.json next to the image, and `dotnet run`
// booting it on Firecracker when one is on PATH, else on QEMU microvm (as here, where no firecracker exists).
using System.Text.Json;

namespace Unikraft.Sdk.Tests.Integration;

[TestClass]
[TestCategory("Boot")]
public sealed class FirecrackerRunTests
{
    private const string Rid = "unikraft-fc-x64";
    private const string Greeting = "Hello from a .NET unikernel!";

    [TestMethod]
    public void GivenTheProbe_PublishWritesTheFirecrackerConfigAndDotnetRunBootsIt()
    {
        HostTools.Require("qemu-system-x86_64", "ld");
        string? pack = TestImages.DefaultRuntimePack(Rid);
        if (pack is null || !File.Exists(Path.Combine(pack, "pack.json")))
        {
            Prerequisite.Missing($"no staged {Rid} runtime pack (make -C runtime-packs RIDS={Rid})");
        }

        TestProject project = TestProject.CopyOf("Probe", Repository.PathOf("tests", "apps", "Probe"));
        string[] properties = ["-c", "Release", $"-p:UnikraftRuntimePackDir={pack}", "-p:UnikraftMemory=128M"];

        CommandResult published = project.Dotnet(["publish", "-r", Rid, .. properties]);

        Assert.AreEqual(0, published.ExitCode, published.ToString());
        string image = Path.Combine(project.Directory, "bin", "Release", "net10.0", Rid, "publish", "Probe.fc");
        Assert.IsTrue(File.Exists(image), $"{image} is published");
        using (JsonDocument config = JsonDocument.Parse(File.ReadAllText(image + ".json")))
        {
            JsonElement root = config.RootElement;
            Assert.AreEqual("Probe.fc", root.GetProperty("boot-source").GetProperty("kernel_image_path").GetString());
            Assert.AreEqual("", root.GetProperty("boot-source").GetProperty("boot_args").GetString());
            Assert.AreEqual(0, root.GetProperty("drives").GetArrayLength());
            Assert.AreEqual(1, root.GetProperty("machine-config").GetProperty("vcpu_count").GetInt32());
            Assert.AreEqual(128, root.GetProperty("machine-config").GetProperty("mem_size_mib").GetInt32());
            Assert.AreEqual(0, root.GetProperty("network-interfaces").GetArrayLength());
        }

        CommandResult run = project.Dotnet(["run", "-r", Rid, .. properties, "-p:UnikraftAccel=tcg", "-p:UnikraftVerbose=true", "--", "hello"]);

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, Greeting);
        if (Unikraft.Sdk.ExecutableSearch.Find("firecracker") is { } firecracker && File.Exists("/dev/kvm"))
        {
            StringAssert.Contains(run.Output, $"unikraft: running on Firecracker ({firecracker})");
        }
        else
        {
            StringAssert.Contains(run.Output, "unikraft: firecracker not found on PATH, running on QEMU microvm instead");
            StringAssert.Contains(run.Output, "-M microvm,acpi=on,ioapic2=off");
            StringAssert.Contains(run.Output, $"-kernel {image} ");
        }
    }
}
