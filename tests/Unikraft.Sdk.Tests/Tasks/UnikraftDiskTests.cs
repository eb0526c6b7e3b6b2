// ResolveUnikraftDisks and the --disk arguments of `dotnet run`: order, paths, ReadOnly, and the missing-disk error.
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class UnikraftDiskTests
{
    private static TaskItem Disk(string path, string? readOnly = null)
    {
        var item = new TaskItem(path);
        if (readOnly is not null)
        {
            item.SetMetadata("ReadOnly", readOnly);
        }

        return item;
    }

    private static string ProjectWithDisks(params string[] files)
    {
        string folder = NativeFixtures.NewFolder("disks");
        foreach (string file in files)
        {
            string path = Path.Combine(folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, new byte[4096]);
        }

        return folder;
    }

    private static ComputeUnikraftRunArguments RunTask(string backend, params ITaskItem[] disks) => new()
    {
        LauncherPath = "/sdk/Unikraft.Launcher.dll",
        RuntimeIdentifier = $"unikraft-{backend}-x64",
        Backend = backend,
        Image = $"/app/publish/Hello.{backend}",
        Architecture = "x64",
        QemuPath = backend == "qemu" ? "/usr/bin/qemu-system-x86_64" : "",
        Memory = "256M",
        Machine = "microvm",
        Accel = "auto",
        Disks = disks,
    };

    [TestMethod]
    public void GivenDisks_TheyResolveToAbsolutePathsInItemOrderWithReadOnlyNormalised()
    {
        string project = ProjectWithDisks("data.img", "images/ro.img");
        string elsewhere = Path.Combine(ProjectWithDisks("abs.img"), "abs.img");
        var task = new ResolveUnikraftDisks
        {
            ProjectDirectory = project,
            Disks = [Disk("images/ro.img", "True"), Disk("data.img"), Disk(elsewhere, "false")],
        };

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded, string.Join("\n", engine.Errors.Select(e => e.Message)));
        CollectionAssert.AreEqual(
            new[] { Path.Combine(project, "images", "ro.img"), Path.Combine(project, "data.img"), elsewhere },
            task.ResolvedDisks.Select(d => d.ItemSpec).ToArray());
        CollectionAssert.AreEqual(new[] { "true", "false", "false" }, task.ResolvedDisks.Select(d => d.GetMetadata("ReadOnly")).ToArray());
    }

    [TestMethod]
    public void GivenNoDisks_NothingIsResolved()
    {
        var task = new ResolveUnikraftDisks { ProjectDirectory = ProjectWithDisks() };

        Assert.IsTrue(TaskRunner.Run(task).Succeeded);
        Assert.IsEmpty(task.ResolvedDisks);
    }

    [TestMethod]
    public void GivenAMissingDisk_ItFailsWithUKSDK1070NamingTheFullPathAndTheItem()
    {
        string project = ProjectWithDisks("data.img");
        var task = new ResolveUnikraftDisks { ProjectDirectory = project, Disks = [Disk("data.img"), Disk("missing/gone.img")] };

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        BuildErrorEventArgs error = engine.Errors.Single();
        Assert.AreEqual("UKSDK1070", error.Code);
        StringAssert.Contains(error.Message, Path.Combine(project, "missing", "gone.img"));
        StringAssert.Contains(error.Message, "UnikraftDisk 'missing/gone.img'");
    }

    [TestMethod]
    public void GivenAFolderAsDisk_ItFailsWithUKSDK1070()
    {
        string project = ProjectWithDisks("sub/x.img");

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(new ResolveUnikraftDisks { ProjectDirectory = project, Disks = [Disk("sub")] });

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1070", engine.Errors.Single().Code);
    }

    [TestMethod]
    public void GivenAnInvalidReadOnly_ItFailsWithUKSDK1040()
    {
        string project = ProjectWithDisks("data.img");

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(
            new ResolveUnikraftDisks { ProjectDirectory = project, Disks = [Disk("data.img", "yes")] });

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, "'yes'");
    }

    [TestMethod]
    public void GivenResolvedDisks_DotnetRunPassesEachAsADiskOptionInOrder()
    {
        ComputeUnikraftRunArguments task = RunTask("qemu", Disk("/p/data.img", "false"), Disk("/p/with space.img", "true"));

        Assert.IsTrue(TaskRunner.Run(task).Succeeded);
        StringAssert.EndsWith(task.RunArguments, "--accel auto --disk /p/data.img --disk \"/p/with space.img,ro\" --");
        Assert.DoesNotContain("--vmm", task.RunArguments);
    }

    [TestMethod]
    public void GivenAFirecrackerRid_DotnetRunAsksTheLauncherForFirecrackerWithQemuAsTheFallback()
    {
        ComputeUnikraftRunArguments task = RunTask("fc", Disk("/p/data.img", "true"));

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded, string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.AreEqual(
            "exec /sdk/Unikraft.Launcher.dll --image /app/publish/Hello.fc --arch x64 --vmm auto --memory 256M --machine microvm " +
            "--accel auto --disk /p/data.img,ro --",
            task.RunArguments);
    }

    [TestMethod]
    public void GivenAFirecrackerRidAndMemoryThatIsNotWholeMebibytes_ItFailsWithUKSDK1040()
    {
        ComputeUnikraftRunArguments task = RunTask("fc");
        task.Memory = "1000K";

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
    }
}
