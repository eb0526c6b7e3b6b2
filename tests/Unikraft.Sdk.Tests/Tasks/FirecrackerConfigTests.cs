// WriteFirecrackerConfig and FirecrackerConfig: the <App>.fc.json published next to a Firecracker image.
using System.Text.Json;
using Microsoft.Build.Utilities;
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class FirecrackerConfigTests
{
    private static TaskItem Disk(string path, bool readOnly)
    {
        var item = new TaskItem(path);
        item.SetMetadata("ReadOnly", readOnly ? "true" : "false");
        return item;
    }

    private static (WriteFirecrackerConfig Task, JsonElement Config) Write(
        string architecture, string defaultCommandLine = "", string memory = "256M", params TaskItem[] disks)
    {
        string image = Path.Combine(NativeFixtures.NewFolder("fcjson"), "publish", "Hello.fc");
        var task = new WriteFirecrackerConfig
        {
            Image = image,
            Architecture = architecture,
            DefaultCommandLine = defaultCommandLine,
            Memory = memory,
            Disks = disks,
        };
        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);
        Assert.IsTrue(succeeded, string.Join("\n", engine.Errors.Select(e => e.Message)));
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(task.ConfigFile));
        return (task, document.RootElement.Clone());
    }

    [TestMethod]
    public void GivenAnX64Image_ItWritesTheConfigNextToItWithTheImageByFileName()
    {
        (WriteFirecrackerConfig task, JsonElement config) = Write("x64", "env.GREETING=hi -- a b", "128M");

        Assert.AreEqual(task.Image + ".json", task.ConfigFile);
        JsonElement boot = config.GetProperty("boot-source");
        Assert.AreEqual("Hello.fc", boot.GetProperty("kernel_image_path").GetString());
        Assert.AreEqual("env.GREETING=hi -- a b", boot.GetProperty("boot_args").GetString());
        Assert.AreEqual(0, config.GetProperty("drives").GetArrayLength());
        Assert.AreEqual(1, config.GetProperty("machine-config").GetProperty("vcpu_count").GetInt32());
        Assert.AreEqual(128, config.GetProperty("machine-config").GetProperty("mem_size_mib").GetInt32());
        Assert.AreEqual(JsonValueKind.Array, config.GetProperty("network-interfaces").ValueKind);
        Assert.AreEqual(0, config.GetProperty("network-interfaces").GetArrayLength());
        CollectionAssert.AreEqual(
            new[] { "boot-source", "drives", "machine-config", "network-interfaces" },
            config.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [TestMethod]
    public void GivenDisks_TheyBecomeDrivesVdaVdbInOrder()
    {
        (_, JsonElement config) = Write("x64", "", "256M", Disk("/d/data.img", false), Disk("/d/ro image.img", true));

        JsonElement[] drives = config.GetProperty("drives").EnumerateArray().ToArray();
        Assert.HasCount(2, drives);
        Assert.AreEqual("vda", drives[0].GetProperty("drive_id").GetString());
        Assert.AreEqual("/d/data.img", drives[0].GetProperty("path_on_host").GetString());
        Assert.IsFalse(drives[0].GetProperty("is_read_only").GetBoolean());
        Assert.AreEqual("vdb", drives[1].GetProperty("drive_id").GetString());
        Assert.AreEqual("/d/ro image.img", drives[1].GetProperty("path_on_host").GetString());
        Assert.IsTrue(drives[1].GetProperty("is_read_only").GetBoolean());
        Assert.IsTrue(drives.All(d => !d.GetProperty("is_root_device").GetBoolean()));
    }

    [TestMethod]
    [DataRow("", "console=ttyS0")]
    [DataRow("env.A=b -- x", "console=ttyS0 env.A=b -- x")]
    [DataRow("console=ttyS1 uk.log=info", "console=ttyS1 uk.log=info")]
    [DataRow("-- console=x", "console=ttyS0 -- console=x")]
    public void GivenAnArm64Image_TheCommandLineNamesAConsole(string defaultCommandLine, string expected)
    {
        (_, JsonElement config) = Write("arm64", defaultCommandLine);

        Assert.AreEqual(expected, config.GetProperty("boot-source").GetProperty("boot_args").GetString());
    }

    [TestMethod]
    public void GivenAnX64ImageWithoutDefaultCommandLine_TheBootArgsAreEmpty()
    {
        (_, JsonElement config) = Write("x64");

        Assert.AreEqual("", config.GetProperty("boot-source").GetProperty("boot_args").GetString());
    }

    [TestMethod]
    public void GivenQuotesInTheCommandLine_TheJsonEscapesThem()
    {
        (_, JsonElement config) = Write("x64", "-- \"hello world\" a\\b");

        Assert.AreEqual("-- \"hello world\" a\\b", config.GetProperty("boot-source").GetProperty("boot_args").GetString());
    }

    [TestMethod]
    public void GivenAnUnchangedConfig_ItIsNotRewritten()
    {
        (WriteFirecrackerConfig task, _) = Write("x64");
        DateTime written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(task.ConfigFile, written);

        Assert.IsTrue(TaskRunner.Run(task).Succeeded);
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(task.ConfigFile));
    }

    [TestMethod]
    [DataRow("x64", "env.A=b -- x", "net.ip=10.0.0.2/24 net.gw=10.0.0.1 env.A=b -- x")]
    [DataRow("x64", "", "net.ip=10.0.0.2/24 net.gw=10.0.0.1")]
    [DataRow("arm64", "env.A=b", "console=ttyS0 net.ip=10.0.0.2/24 net.gw=10.0.0.1 env.A=b")]
    public void GivenATapDevice_ItIsTheNetworkInterfaceEth0AndTheNetworkConfigLeadsTheBootArgs(
        string architecture, string defaultCommandLine, string expectedBootArgs)
    {
        var task = new WriteFirecrackerConfig
        {
            Image = Path.Combine(NativeFixtures.NewFolder("fcnet"), "Hello.fc"),
            Architecture = architecture,
            DefaultCommandLine = defaultCommandLine,
            Memory = "256M",
            Network = "tap",
            TapDevice = "tap3",
            NetworkConfig = " net.ip=10.0.0.2/24 net.gw=10.0.0.1 ",
        };

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded, string.Join("\n", engine.Errors.Select(e => e.Message)));
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(task.ConfigFile));
        Assert.AreEqual(expectedBootArgs, document.RootElement.GetProperty("boot-source").GetProperty("boot_args").GetString());
        JsonElement nic = document.RootElement.GetProperty("network-interfaces").EnumerateArray().Single();
        Assert.AreEqual("eth0", nic.GetProperty("iface_id").GetString());
        Assert.AreEqual("tap3", nic.GetProperty("host_dev_name").GetString());
        Assert.AreEqual("52:54:00:18:5f:8d", nic.GetProperty("guest_mac").GetString());
    }

    [TestMethod]
    public void GivenNoNetwork_TheConfigHasNoNetworkInterfaceEvenWithATapDeviceSet()
    {
        var task = new WriteFirecrackerConfig
        {
            Image = Path.Combine(NativeFixtures.NewFolder("fcnet"), "Hello.fc"),
            Architecture = "x64",
            Memory = "256M",
            Network = "none",
            TapDevice = "tap3",
        };

        Assert.IsTrue(TaskRunner.Run(task).Succeeded);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(task.ConfigFile));
        Assert.AreEqual(0, document.RootElement.GetProperty("network-interfaces").GetArrayLength());
    }

    [TestMethod]
    [DataRow("lots")]
    [DataRow("1000K")]
    [DataRow("0")]
    public void GivenMemoryFirecrackerCannotTake_ItFailsWithUKSDK1040(string memory)
    {
        var task = new WriteFirecrackerConfig
        {
            Image = Path.Combine(NativeFixtures.NewFolder("fcjson"), "Hello.fc"),
            Architecture = "x64",
            Memory = memory,
        };

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
        Assert.IsFalse(File.Exists(task.Image + ".json"));
    }

    [TestMethod]
    [DataRow("256M", 256L)]
    [DataRow("512", 512L)]
    [DataRow("1G", 1024L)]
    [DataRow("2T", 2097152L)]
    [DataRow("2048K", 2L)]
    public void GivenAQemuSize_ItConvertsToMebibytes(string size, long expected) =>
        Assert.AreEqual(expected, Unikraft.Sdk.FirecrackerConfig.MebibytesOf(size));

    [TestMethod]
    [DataRow(0, "vda")]
    [DataRow(1, "vdb")]
    [DataRow(25, "vdz")]
    [DataRow(26, "vdaa")]
    public void GivenADiskIndex_ItIsNamedLikeLinuxNamesVirtioDisks(int index, string expected) =>
        Assert.AreEqual(expected, Unikraft.Sdk.FirecrackerConfig.DriveId(index));
}
