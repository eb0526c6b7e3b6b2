// Unikraft.Drivers inside a real unikernel: tests/apps/Drivers published for unikraft-qemu-x64 and booted with two disks;
// and booted with two NICs, en0 with the TCP/IP stack and en1 raw (net.raw=en1), on x86_64 and arm64.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Unikraft.Sdk.Tests.Boot;

namespace Unikraft.Sdk.Tests.Drivers;

[TestClass]
[TestCategory("Boot")]
public sealed class DriversBootTests
{
    private const long RwSize = 16L << 20, RoSize = 8L << 20;

    /// <summary>The app's image per RID, published once for every test.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<string>> Images = new();

    private static Lazy<string> Image => ImageFor(BootTarget.QemuX64);

    private static Lazy<string> ImageFor(string rid) => Images.GetOrAdd(rid, r => new Lazy<string>(() => PublishDriversApp(r)));

    [TestMethod]
    public void GivenTwoDisks_BlockDeviceEnumeratesReadsWritesAndFlushesThem()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();
        string image = Image.Value;
        byte[] bees = Enumerable.Repeat((byte)'B', 512).ToArray();
        string rw = DiskImages.Create("drivers-boot", "rw.img", RwSize);
        string ro = DiskImages.Create("drivers-boot", "ro.img", RoSize, (0, bees));

        CommandResult result = target.Launch(image, ["--disk", rw, "--disk", ro + ",ro"], []);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "DRIVERS: PASS", result.ToString());
        string[] disks = result.Output.Replace("\r", "").Split('\n').Where(l => l.StartsWith("disk ", StringComparison.Ordinal)).ToArray();
        CollectionAssert.AreEqual(
            new[] { $"disk vda /dev/vda {RwSize} {RwSize / 512} 512 512 rw", $"disk vdb /dev/vdb {RoSize} {RoSize / 512} 512 512 ro" },
            disks, result.ToString());
        StringAssert.Contains(result.Output, "read-only disk refuses Write: ok UnauthorizedAccessException: /dev/vdb is a read-only disk");
        StringAssert.Contains(result.Output, "a missing disk names <UnikraftDisk>: ok FileNotFoundException: There is no block device /dev/vdz.");

        // What the guest wrote, in the host's image file.
        byte[] marker = new byte[512];
        "UNIKRAFT-DRIVERS-OK"u8.CopyTo(marker);
        CollectionAssert.AreEqual(marker, DiskImages.Read(rw, 512, 512), "the marker in sector 1");
        CollectionAssert.AreEqual(DiskImages.Pattern(128 * 512, 1), DiskImages.Read(rw, 8 * 512, 128 * 512), "Write at sector 8");
        for (int i = 0; i < 8; i++)
        {
            byte[] region = DiskImages.Read(rw, (1024 + 64 * i) * 512L, 32 * 512);
            CollectionAssert.AreEqual(DiskImages.Pattern(32 * 512, 10 + i), region, $"WriteAsync region {i}");
        }

        CollectionAssert.AreEqual(DiskImages.Pattern(512, 3), DiskImages.Read(rw, RwSize - 512, 512), "the last sector");
        CollectionAssert.AreEqual(new byte[512], DiskImages.Read(rw, 7 * 512, 512), "sector 7, never written");
        CollectionAssert.AreEqual(bees, DiskImages.Read(ro, 0, 512), "the read-only image is untouched");
    }

    [TestMethod]
    public void GivenNoDisk_EnumerateIsEmptyAndOpenPointsAtUnikraftDisk()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();

        CommandResult result = target.Launch(Image.Value, [], ["none"]);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "no disk enumerated: ok");
        StringAssert.Contains(result.Output, "opening vda without a disk names <UnikraftDisk>: ok FileNotFoundException: There is no block device /dev/vda.");
        StringAssert.Contains(result.Output, "DRIVERS: PASS");
    }

    public static IEnumerable<object[]> RawNicTargets =>
    [
        BootTarget.Row(BootTarget.QemuX64, BootTarget.QemuX64, nameof(GivenARawNic_NetworkDeviceExchangesFramesWithSlirpBesideTheStacksEn0)),
        BootTarget.Row(BootTarget.QemuArm64, BootTarget.QemuArm64, nameof(GivenARawNic_NetworkDeviceExchangesFramesWithSlirpBesideTheStacksEn0)),
    ];

    /// <summary>
    /// Two slirp NICs on PCI (q35, arm64 virt): en0 (10.0.2.0/24) with the stack, en1 (10.0.3.0/24) raw. The app answers
    /// and asks in raw frames on en1 (ARP, ICMP echo with slirp's gateway, the bounded queue) while en0 carries a TCP
    /// connection to this test's listener on the host's loopback (slirp's 10.0.2.2).
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(RawNicTargets))]
    public void GivenARawNic_NetworkDeviceExchangesFramesWithSlirpBesideTheStacksEn0(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        string image = ImageFor(rid).Value;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<string> server = Task.Run(async () =>
        {
            using TcpClient client = await listener.AcceptTcpClientAsync();
            using var reader = new StreamReader(client.GetStream());
            string line = await reader.ReadLineAsync() ?? "";
            await client.GetStream().WriteAsync("ack\n"u8.ToArray());
            return line;
        });
        string[] options =
        [
            .. target.IsArm64 ? Array.Empty<string>() : ["--machine", "q35"],
            "--qemu-args",
            "-netdev user,id=n0 -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56 " +
            "-netdev user,id=n1,net=10.0.3.0/24 -device virtio-net-pci,netdev=n1,mac=52:54:00:00:00:01",
            "--kernel-args", "uk.log=info net.raw=en1,en3",
        ];

        CommandResult result = target.Launch(image, options, ["net", port.ToString()], timeout: TimeSpan.FromMinutes(target.IsArm64 ? 5 : 2));

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "NET: PASS", result.ToString());
        StringAssert.Contains(result.Output, "network device en1 (raw, /dev/net), mtu 1500");
        Assert.DoesNotContain("guest_csum", result.Output.Split('\n').Single(l => l.Contains("network device en1", StringComparison.Ordinal)),
            "no offload on a raw NIC");
        StringAssert.Contains(result.Output, "net: en0 52:54:00:12:34:56 mtu 1500, 10.0.2.15/24 gw 10.0.2.2 (dhcp)");
        Assert.DoesNotContain("net: en1 ", result.Output, "the stack leaves en1 alone");
        StringAssert.Contains(result.Output, "net: net.raw=en3: there is no interface en3");
        StringAssert.Contains(result.Output, "en0 belongs to the stack: ok InvalidOperationException: en0 belongs to the unikernel's TCP/IP stack");
        StringAssert.Contains(result.Output, "a missing NIC: ok FileNotFoundException: There is no network interface en7");
        StringAssert.Contains(result.Output, "ARP reply from 10.0.3.2: ok");
        StringAssert.Contains(result.Output, "ICMP echo reply from 10.0.3.2: ok");
        StringAssert.Contains(result.Output, "bounded receive queue: ok queued 128");
        Assert.IsTrue(server.Wait(TimeSpan.FromSeconds(10)), "the app's TCP connection over en0");
        Assert.AreEqual("raw en1, tcp en0", server.Result);
    }

    /// <summary>
    /// Publishes tests/apps/Drivers for <paramref name="rid"/> with the staged runtime pack. The app gets the library
    /// by a ProjectReference (../../../drivers/Unikraft.Drivers), so the test project holds copies of both at their
    /// repository paths; it builds through the freshly packed SDK like every test app (Infrastructure/TestProject.cs).
    /// </summary>
    private static string PublishDriversApp(string rid)
    {
        var files = new Dictionary<string, string>();
        AddCopies(files, "tests", "apps", "Drivers");
        AddCopies(files, "drivers", "Unikraft.Drivers");
        TestProject project = TestProject.Create("Drivers", files);
        string output = Path.Combine(project.Directory, "publish");
        string pack = TestImages.DefaultRuntimePack(rid) ?? throw new AssertFailedException($"no staged {rid} runtime pack");

        CommandResult result = project.Dotnet(
            "publish", Path.Combine("tests", "apps", "Drivers", "Drivers.csproj"), "-r", rid, "-c", "Release", "-o", output, "-nologo",
            $"-p:UnikraftRuntimePackDir={pack}");

        Assert.AreEqual(0, result.ExitCode, $"Publishing tests/apps/Drivers for {rid} failed:\n{result}");
        string image = Path.Combine(output, rid.StartsWith("unikraft-fc-", StringComparison.Ordinal) ? "Drivers.fc" : "Drivers.qemu");
        Assert.IsTrue(File.Exists(image), $"no {image}:\n{result}");
        return image;
    }

    /// <summary>The files of a repository folder (bin/ and obj/ left out), under the same relative paths.</summary>
    private static void AddCopies(Dictionary<string, string> files, params string[] folder)
    {
        string source = Repository.PathOf(folder);
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            string top = relative.Split(Path.DirectorySeparatorChar)[0];
            if (top is not ("bin" or "obj"))
            {
                files[Path.Combine([.. folder, relative])] = File.ReadAllText(file);
            }
        }
    }
}
