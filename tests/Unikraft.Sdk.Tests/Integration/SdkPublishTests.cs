// Real `dotnet build/publish/run` of projects that use the freshly packed Unikraft.Sdk, asserting on results and logs.
using System.Text;
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Integration;

[TestClass]
[TestCategory("Boot")]
public sealed class SdkPublishTests
{
    private const string Rid = "unikraft-qemu-x64";
    private const string Greeting = "Hello from a .NET unikernel!";

    private static string SampleHello => Repository.PathOf("samples", "Hello");

    private static string AppInfoField(string image, int offset, int size)
    {
        ElfSection section = ElfImage.Load(image).FindSection(AppInfo.SectionName)!;
        ReadOnlySpan<byte> field = File.ReadAllBytes(image).AsSpan((int)section.Offset + offset, size);
        return Encoding.UTF8.GetString(field[..field.IndexOf((byte)0)]);
    }

    [TestMethod]
    public void GivenNoRuntimeIdentifier_DotnetRunRunsTheProgramOnTheHost()
    {
        TestProject project = TestProject.Create("Plain", new Dictionary<string, string>
        {
            // No OutputType: Unikraft.Sdk defaults it to Exe.
            ["Plain.csproj"] = """
                <Project Sdk="Unikraft.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                  </PropertyGroup>
                </Project>
                """,
            ["Program.cs"] = """
                System.Console.WriteLine("plain JIT run " + string.Join(',', args));
                return 3;
                """,
        });

        CommandResult result = project.Dotnet("run", "--", "a", "b");

        Assert.AreEqual(3, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "plain JIT run a,b");
    }

    public static IEnumerable<object[]> AllRids =>
    [
        ["unikraft-qemu-x64", "linux-x64"], ["unikraft-fc-x64", "linux-x64"],
        ["unikraft-qemu-arm64", "linux-arm64"], ["unikraft-fc-arm64", "linux-arm64"],
    ];

    /// <summary>
    /// A Microsoft.AspNetCore.App reference in a Unikraft.Sdk project, built for each RID: restore takes the ASP.NET
    /// Core runtime pack of the RID's linux counterpart, the Web SDK's implicit usings compile the app, appsettings.json
    /// is copied next to it (publish then bundles it), and the trimming and AOT warnings of its code are reported.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(AllRids))]
    public void GivenAnAspNetCoreReference_TheBuildTakesTheLinuxPackWebUsingsAndReportsAotWarnings(string rid, string linuxRid)
    {
        TestProject project = TestProject.Create("WebRef", new Dictionary<string, string>
        {
            ["WebRef.csproj"] = """
                <Project Sdk="Unikraft.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <FrameworkReference Include="Microsoft.AspNetCore.App" />
                  </ItemGroup>
                </Project>
                """,
            ["Program.cs"] = """
                WebApplication app = WebApplication.CreateSlimBuilder(args).Build();
                app.MapGet("/", () => System.Text.Json.JsonSerializer.Serialize(new { reflection = true }));
                app.Run();
                """,
            ["appsettings.json"] = "{ \"Greeting\": \"hi\" }\n",
        });

        CommandResult result = project.Dotnet("build", "-r", rid, "-c", "Release");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "Program.cs(2,23): warning IL2026");
        StringAssert.Contains(result.Output, "Program.cs(2,23): warning IL3050");
        StringAssert.Contains(File.ReadAllText(Path.Combine(project.Directory, "obj", "project.assets.json")), $"\"Microsoft.AspNetCore.App.Runtime.{linuxRid}\"");
        Assert.IsTrue(File.Exists(Path.Combine(project.Directory, "bin", "Release", "net10.0", rid, "appsettings.json")), result.ToString());
    }

    [TestMethod]
    public void GivenAnUnsupportedRid_PublishFailsWithUKSDK1001()
    {
        TestProject project = TestProject.Console("Riscv", "return 0;");

        CommandResult result = project.Dotnet("publish", "-r", "unikraft-qemu-riscv64");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "error UKSDK1001");
        StringAssert.Contains(result.Output, "unikraft-qemu-x64, unikraft-qemu-arm64, unikraft-fc-x64, unikraft-fc-arm64");
    }

    [TestMethod]
    public void GivenAMissingRuntimePackDir_PublishFailsWithUKSDK1006()
    {
        TestProject project = TestProject.Console("NoPack", "return 0;");

        CommandResult result = project.Dotnet("publish", "-r", Rid, "-p:UnikraftRuntimePackDir=/nonexistent/pack");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "error UKSDK1006");
    }

    [TestMethod]
    public void GivenAMissingLinker_PublishFailsWithUKSDK1010BeforeIlcRuns()
    {
        TestProject project = TestProject.Console("NoLinker", "return 0;");

        CommandResult result = project.Dotnet(
            "publish", "-r", Rid, $"-p:UnikraftRuntimePackDir={FakeRuntimePack.Directory}", "-p:UnikraftLinker=ld-not-installed");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "error UKSDK1010");
        StringAssert.Contains(result.Output, "sudo apt-get install binutils");
        Assert.DoesNotContain("Generating native code", result.Output);
    }

    [TestMethod]
    public void GivenAFakeRuntimePack_PublishWritesAPatchedImageThatLinkedTheRuntimeCorrectly()
    {
        string image = TestImages.Publish(SampleHello, Rid, new Dictionary<string, string>
        {
            ["UnikraftRuntimePackDir"] = FakeRuntimePack.Directory,
            ["UnikraftDefaultCommandLine"] = "uk.log=info -- default",
        });

        Assert.AreEqual("Hello.qemu", Path.GetFileName(image));
        // The image, and beside it the linked ELF with its symbols (for gdb, addr2line and the launcher's backtraces).
        CollectionAssert.AreEqual(new[] { "Hello.qemu", "Hello.qemu.elf" },
            Directory.GetFiles(Path.GetDirectoryName(image)!).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        Assert.AreEqual("Hello", AppInfoField(image, AppInfo.NameOffset, AppInfo.NameSize));
        Assert.AreEqual("uk.log=info -- default", AppInfoField(image, AppInfo.CommandLineOffset, AppInfo.CommandLineSize));

        // The fake pack links with ld's default script, so the image is also a static Linux program:
        // running it proves the link order, musl and the glibc shim (the real kernel core is not needed).
        CommandResult run = Command.Run(image, ["a", "b c"], timeout: TimeSpan.FromMinutes(1));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        Assert.AreEqual($"{Greeting}\na\nb c\n", run.Output);
    }

    [TestMethod]
    public void GivenAnUnchangedProject_PublishSkipsTheLinkAndRelinksWhenALinkSettingChanges()
    {
        TestProject project = TestProject.CopyOf("Incremental", SampleHello);
        string[] publish = ["publish", "-r", Rid, "-v:n", $"-p:UnikraftRuntimePackDir={FakeRuntimePack.Directory}"];
        string image = Path.Combine(project.Directory, "bin", "Release", "net10.0", Rid, "publish", "Hello.qemu");

        CommandResult first = project.Dotnet(publish);
        CommandResult second = project.Dotnet(publish);
        CommandResult changed = project.Dotnet([.. publish, "-p:UnikraftDefaultCommandLine=uk.log=debug"]);

        Assert.AreEqual(0, first.ExitCode, first.ToString());
        StringAssert.Contains(first.Output, "Linking unikernel image");
        StringAssert.Contains(first.Output, "--whole-archive");
        StringAssert.Contains(second.Output, "Skipping target \"LinkNative\"");
        Assert.AreEqual(0, changed.ExitCode, changed.ToString());
        StringAssert.Contains(changed.Output, "Linking unikernel image");
        Assert.AreEqual("uk.log=debug", AppInfoField(image, AppInfo.CommandLineOffset, AppInfo.CommandLineSize));
    }

    [TestMethod]
    public void GivenTheFirecrackerBootTimer_TheConfigsBootArgsAskForItAndTheImageHasNoSymbolTables()
    {
        TestProject project = TestProject.CopyOf("BootTimer", SampleHello);
        string fcPack = FakeRuntimePack.ForRid("unikraft-fc-x64");

        CommandResult result = project.Dotnet("publish", "-r", "unikraft-fc-x64", $"-p:UnikraftRuntimePackDir={fcPack}",
            "-p:UnikraftFirecrackerBootTimer=true", "-p:UnikraftDefaultCommandLine=env.A=b");

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        string publish = Path.Combine(project.Directory, "bin", "Release", "net10.0", "unikraft-fc-x64", "publish");
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(publish, "Hello.fc.json")));
        Assert.AreEqual("uk.boottimer env.A=b", config.RootElement.GetProperty("boot-source").GetProperty("boot_args").GetString());
        Assert.IsNull(ElfImage.Load(Path.Combine(publish, "Hello.fc")).FindSection(".symtab"), "the image has no symbol table");
        Assert.IsNotNull(ElfImage.Load(Path.Combine(publish, "Hello.fc.elf")).FindSection(".symtab"), "the ELF beside it has");
    }

    [TestMethod]
    public void GivenAFakePvhRuntimePack_DotnetRunBootsTheImageAndReturnsTheKernelsExitCode()
    {
        HostTools.Require("qemu-system-x86_64");
        TestProject project = TestProject.CopyOf("Run", SampleHello);

        CommandResult result = project.Dotnet(
            "run", "-r", Rid, $"-p:UnikraftRuntimePackDir={FakeRuntimePack.Directory}", "-p:UnikraftAccel=tcg",
            "-p:UnikraftKernelArgs=env.A=b", "--", "a", "b c");

        // The fake pack's libukcore.a is the PVH test kernel: it echoes its command line and exits with 42.
        Assert.AreEqual(42, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "env.A=b -- a \"b c\"");
    }

    [TestMethod]
    public void GivenAFirecrackerRid_DotnetRunWritesTheConfigAndBootsTheImageOnQemuWithoutFirecracker()
    {
        HostTools.Require("qemu-system-x86_64");
        if (Unikraft.Sdk.ExecutableSearch.Find("firecracker") is not null)
        {
            Prerequisite.Unavailable("a firecracker binary is on PATH: this test checks the QEMU fallback");
        }

        TestProject project = TestProject.CopyOf("RunFc", SampleHello);
        string fcPack = FakeRuntimePack.ForRid("unikraft-fc-x64");

        CommandResult result = project.Dotnet(
            "run", "-r", "unikraft-fc-x64", $"-p:UnikraftRuntimePackDir={fcPack}", "-p:UnikraftAccel=tcg", "--", "a", "b c");

        // The fake pack's libukcore.a is the PVH test kernel: it echoes its command line and exits with 42.
        Assert.AreEqual(42, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "unikraft: firecracker not found on PATH, running on QEMU microvm instead");
        StringAssert.Contains(result.Output, "-- a \"b c\"");
        Assert.IsTrue(File.Exists(Path.Combine(project.Directory, "bin", "Debug", "net10.0", "unikraft-fc-x64", "publish", "Hello.fc.json")));
    }

    [TestMethod]
    public void GivenAMissingUnikraftDisk_DotnetRunFailsWithUKSDK1070BeforeTheVmStarts()
    {
        TestProject project = TestProject.Console("RunDisk", "return 0;");
        File.WriteAllText(Path.Combine(project.Directory, "Directory.Build.targets"),
            "<Project><ItemGroup><UnikraftDisk Include=\"absent.img\" /></ItemGroup></Project>\n");

        CommandResult result = project.Dotnet("run", "-r", Rid, $"-p:UnikraftRuntimePackDir={FakeRuntimePack.Directory}");

        Assert.AreNotEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"error UKSDK1070: The disk image '{Path.Combine(project.Directory, "absent.img")}'");
        Assert.DoesNotContain("Linking unikernel image", result.Output);
    }
}
