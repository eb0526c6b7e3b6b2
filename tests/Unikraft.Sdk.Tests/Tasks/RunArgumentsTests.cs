// ComputeUnikraftRunArguments, ArgumentEscaper and FormatGlobalPropertyArguments: what `dotnet run` executes.
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class RunArgumentsTests
{
    private static ComputeUnikraftRunArguments Task() => new()
    {
        LauncherPath = "/sdk/tools/net10.0/Unikraft.Launcher.dll",
        RuntimeIdentifier = "unikraft-qemu-x64",
        Backend = "qemu",
        Image = "/app/publish/Hello.qemu",
        Architecture = "x64",
        QemuPath = "/usr/bin/qemu-system-x86_64",
        Memory = "256M",
        Accel = "auto",
    };

    [TestMethod]
    public void GivenDefaults_ItRunsTheLauncherWithImageQemuAndMemory()
    {
        ComputeUnikraftRunArguments task = Task();
        (bool succeeded, _) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded);
        Assert.AreEqual(
            "exec /sdk/tools/net10.0/Unikraft.Launcher.dll --image /app/publish/Hello.qemu --arch x64 " +
            "--qemu /usr/bin/qemu-system-x86_64 --memory 256M --accel auto --",
            task.RunArguments);
        Assert.IsFalse(string.IsNullOrEmpty(task.DotnetHost));
    }

    [TestMethod]
    public void GivenEveryOption_ItPassesEachAndQuotesTextWithBlanks()
    {
        ComputeUnikraftRunArguments task = Task();
        task.Machine = "q35";
        task.KernelArgs = " env.A=b uk.log=debug ";
        task.QemuArgs = "-smp 2";
        task.Gdb = true;
        task.Verbose = true;
        TaskRunner.Run(task);

        StringAssert.EndsWith(task.RunArguments,
            "--machine q35 --accel auto --kernel-args \"env.A=b uk.log=debug\" --qemu-args \"-smp 2\" --gdb --verbose --");
    }

    [TestMethod]
    [DataRow("Memory", "lots")]
    [DataRow("Memory", "0")]
    [DataRow("Accel", "hvf")]
    [DataRow("Machine", "virt")]
    public void GivenAnInvalidRunProperty_ItFailsWithUKSDK1040(string property, string value)
    {
        ComputeUnikraftRunArguments task = Task();
        typeof(ComputeUnikraftRunArguments).GetProperty(property)!.SetValue(task, value);

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, value);
    }

    [TestMethod]
    public void GivenAFirecrackerRid_ItRunsTheLauncherInAutoVmmMode()
    {
        ComputeUnikraftRunArguments task = Task();
        task.Backend = "fc";
        task.RuntimeIdentifier = "unikraft-fc-x64";
        task.Image = "/app/publish/Hello.fc";

        (bool succeeded, _) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded);
        StringAssert.Contains(task.RunArguments, "--image /app/publish/Hello.fc --arch x64 --vmm auto --qemu /usr/bin/qemu-system-x86_64 ");
    }

    [TestMethod]
    public void GivenAnUnknownBackend_ItFailsWithUKSDK1040()
    {
        ComputeUnikraftRunArguments task = Task();
        task.Backend = "xen";

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
    }

    [TestMethod]
    public void GivenTrickyArguments_DotnetSplitsTheEscapedStringBackIntoThem()
    {
        HostTools.Require("printf");
        string[] arguments = ["plain", "with space", "", "quote\"inside", @"back\slash", @"trailing\", "tab\there"];
        var startInfo = new System.Diagnostics.ProcessStartInfo(Unikraft.Sdk.ExecutableSearch.Find("printf")!)
        {
            Arguments = "%s\\n " + ArgumentEscaper.Join(arguments),
            RedirectStandardOutput = true,
        };
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        CollectionAssert.AreEqual(arguments, output.Split('\n')[..^1]);
    }

    [TestMethod]
    public void GivenGlobalProperties_ItFormatsThemSortedEscapedAndWithoutExcludedOnes()
    {
        var properties = new Dictionary<string, string>
        {
            ["RuntimeIdentifier"] = "unikraft-qemu-x64",
            ["NoBuild"] = "true",
            ["Configuration"] = "Debug",
            ["UnikraftKernelArgs"] = "env.A=1;2 it's",
        };

        string formatted = FormatGlobalPropertyArguments.Format(properties, ["nobuild"]);

        Assert.AreEqual(
            "'-p:Configuration=Debug' '-p:RuntimeIdentifier=unikraft-qemu-x64' '-p:UnikraftKernelArgs=env.A=1%3B2 it'\\''s'",
            formatted);
    }

    [TestMethod]
    public void GivenTheTask_ItReadsTheEnginesGlobalProperties()
    {
        var engine = new MockBuildEngine();
        engine.GlobalProperties["RuntimeIdentifier"] = "unikraft-qemu-x64";
        var task = new FormatGlobalPropertyArguments();

        TaskRunner.Run(task, engine);

        Assert.AreEqual("'-p:RuntimeIdentifier=unikraft-qemu-x64'", task.Arguments);
    }
}
