// `dotnet run` of the Probe for unikraft-qemu-x64 with two UnikraftDisk items: QEMU starts with both attached in
// order (the second read-only) and the program runs (the kernel ignores the disks until its virtio-blk driver lands).
namespace Unikraft.Sdk.Tests.Integration;

[TestClass]
[TestCategory("Boot")]
public sealed class DiskRunTests
{
    private const string Rid = "unikraft-qemu-x64";
    private const string Greeting = "Hello from a .NET unikernel!";

    [TestMethod]
    public void GivenTwoUnikraftDisks_DotnetRunAttachesThemInOrderAndTheProgramRuns()
    {
        HostTools.Require("qemu-system-x86_64", "ld");
        string? pack = TestImages.DefaultRuntimePack(Rid);
        if (pack is null || !File.Exists(Path.Combine(pack, "pack.json")))
        {
            Prerequisite.Missing($"no staged {Rid} runtime pack (make -C runtime-packs RIDS={Rid})");
        }

        TestProject project = TestProject.CopyOf("Probe", Repository.PathOf("tests", "apps", "Probe"));
        string data = Path.Combine(project.Directory, "data.img");
        string assets = Path.Combine(project.Directory, "disks", "assets.img");
        Directory.CreateDirectory(Path.GetDirectoryName(assets)!);
        File.WriteAllBytes(data, new byte[1024 * 1024]);
        File.WriteAllBytes(assets, new byte[512 * 1024]);
        File.WriteAllText(Path.Combine(project.Directory, "Directory.Build.targets"), """
            <Project>
              <ItemGroup>
                <UnikraftDisk Include="data.img" />
                <UnikraftDisk Include="disks/assets.img" ReadOnly="true" />
              </ItemGroup>
            </Project>
            """);

        CommandResult run = project.Dotnet(
            "run", "-r", Rid, "-c", "Release", $"-p:UnikraftRuntimePackDir={pack}", "-p:UnikraftAccel=tcg", "-p:UnikraftMemory=128M",
            "-p:UnikraftVerbose=true", "--", "hello");

        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, Greeting);
        StringAssert.Contains(run.Output,
            $"-drive file={data},if=none,id=vd0,format=raw -device virtio-blk-device,drive=vd0 " +
            $"-drive file={assets},if=none,id=vd1,format=raw,readonly=on -device virtio-blk-device,drive=vd1 ");
    }
}
