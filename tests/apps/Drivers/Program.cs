// Checks Unikraft.Drivers' BlockDevice in the unikernel and prints each result, then DRIVERS: PASS or FAIL.
// The boot test attaches a read-write disk (/dev/vda, 16 MiB, zeroed) and a read-only one (/dev/vdb, whose
// first sector is all 'B'). The arguments name the two devices, so the same checks run on Linux against
// loop devices: "Drivers /dev/loop0 /dev/loop1". With the one argument "none" it checks a unikernel without disks.
// The test reads back on the host what this writes: the marker "UNIKRAFT-DRIVERS-OK" in sector 1,
// Pattern(128 sectors, seed 1) from sector 8, Pattern(32 sectors, seed 10 + i) at sector 1024 + 64 i
// (i = 0 to 7), and Pattern(1 sector, seed 3) in the last sector.
// With the arguments "net <port>" it checks NetworkDevice on a raw NIC instead (NetChecks.cs).
using Unikraft.Drivers;

if (args is ["net", string port])
{
    return await NetChecks.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
}

string rwName = args.Length > 0 ? args[0] : "vda";
string roName = args.Length > 1 ? args[1] : "vdb";
bool ok = true;

void Check(string what, bool passed, string detail = "")
{
    Console.WriteLine($"{what}: {(passed ? "ok" : "FAIL")} {detail}".TrimEnd());
    ok &= passed;
}

// Runs an action that must throw TException and checks the message has the given text.
void Throws<TException>(string what, Action action, string text)
    where TException : Exception
{
    try
    {
        action();
        Check(what, false, "no exception");
    }
    catch (TException e)
    {
        bool exact = e.GetType() == typeof(TException);
        Check(what, exact && e.Message.Contains(text, StringComparison.Ordinal), $"{e.GetType().Name}: {e.Message}");
    }
    catch (Exception e)
    {
        Check(what, false, $"{e.GetType().Name}: {e.Message}");
    }
}

// "none": booted without disks, there is nothing to enumerate, and opening vda says how to attach a disk.
if (args is ["none"])
{
    Check("no disk enumerated", BlockDevice.Enumerate().Count == 0);
    Throws<FileNotFoundException>("opening vda without a disk names <UnikraftDisk>", () => BlockDevice.Open("vda"), "<UnikraftDisk");
    Console.WriteLine(ok ? "DRIVERS: PASS" : "DRIVERS: FAIL");
    return ok ? 0 : 1;
}

// The disks: every /dev/vd* in order, or the two devices named on the command line.
IReadOnlyList<BlockDeviceInfo> disks = args.Length > 0 ? BlockDevice.Enumerate(args) : BlockDevice.Enumerate();
foreach (BlockDeviceInfo disk in disks)
{
    string mode = disk.IsReadOnly ? "ro" : "rw";
    Console.WriteLine($"disk {disk.Name} {disk.Path} {disk.Capacity} {disk.SectorCount} {disk.SectorSize} {disk.PhysicalBlockSize} {mode}");
}

Check("enumerate", disks.Count == 2 && !disks[0].IsReadOnly && disks[1].IsReadOnly, $"{disks.Count} disks");

await using (BlockDevice rw = BlockDevice.Open(rwName))
{
    Console.WriteLine($"opened {rw}");
    Check("geometry", rw.SectorSize == 512 && rw.SectorCount == rw.Capacity / 512 && rw.Capacity > 0 && !rw.IsReadOnly
        && rw.Info == disks[0], $"capacity={rw.Capacity} sectors={rw.SectorCount}");

    byte[] block = Pattern(128 * 512, 1);
    rw.Write(8, block);
    var back = new byte[block.Length];
    rw.Read(8, back);
    Check("Write/Read round trip", back.AsSpan().SequenceEqual(block));

    // Eight writes, then eight reads, each batch in flight together.
    var regions = Enumerable.Range(0, 8).Select(i => (Sector: 1024L + 64 * i, Data: Pattern(32 * 512, 10 + i))).ToArray();
    await Task.WhenAll(regions.Select(r => rw.WriteAsync(r.Sector, r.Data).AsTask()));
    var buffers = regions.Select(r => new byte[r.Data.Length]).ToArray();
    Task[] reads = regions.Select((r, i) => rw.ReadAsync(r.Sector, buffers[i]).AsTask()).ToArray();
    await Task.WhenAll(reads);
    Check("concurrent WriteAsync/ReadAsync", regions.Select((r, i) => buffers[i].AsSpan().SequenceEqual(r.Data)).All(same => same));

    byte[] last = Pattern(512, 3);
    await rw.WriteAsync(rw.SectorCount - 1, last);
    var lastBack = new byte[512];
    await rw.ReadAsync(rw.SectorCount - 1, lastBack);
    Check("last sector", lastBack.AsSpan().SequenceEqual(last));

    Throws<ArgumentException>("a partial sector is refused", () => rw.Read(0, new byte[100]), "512-byte sectors");
    Throws<ArgumentOutOfRangeException>(
        "a read past the end is refused", () => rw.Read(rw.SectorCount, new byte[512]), "which has sectors 0 to");
    Throws<ArgumentOutOfRangeException>(
        "a write across the end is refused", () => _ = rw.WriteAsync(rw.SectorCount - 1, new byte[1024]), "which has sectors 0 to");

    var marker = new byte[512];
    "UNIKRAFT-DRIVERS-OK"u8.CopyTo(marker);
    await rw.WriteAsync(1, marker);
    await rw.FlushAsync();
    rw.Flush();
    Check("marker written and flushed", true);
}

using (BlockDevice readOnly = BlockDevice.Open(roName))
{
    Console.WriteLine($"opened {readOnly}");
    var first = new byte[512];
    readOnly.Read(0, first);
    Check("read-only disk readable", readOnly.IsReadOnly && first.All(b => b == (byte)'B'));
    Throws<UnauthorizedAccessException>("read-only disk refuses Write", () => readOnly.Write(0, new byte[512]), "read-only disk");
    Throws<UnauthorizedAccessException>("read-only disk refuses WriteAsync", () => _ = readOnly.WriteAsync(0, new byte[512]), "read-only disk");
    readOnly.Read(0, first);
    Check("read-only disk unchanged", first.All(b => b == (byte)'B'));
}

using (BlockDevice opened = BlockDevice.Open(rwName, writable: false))
{
    Throws<UnauthorizedAccessException>("opened read-only refuses Write", () => opened.Write(0, new byte[512]), "opened read-only");
}

Throws<FileNotFoundException>("a missing disk names <UnikraftDisk>", () => BlockDevice.Open("vdz"), "<UnikraftDisk");
BlockDevice disposed = BlockDevice.Open(rwName);
disposed.Dispose();
Throws<ObjectDisposedException>("a disposed device", () => disposed.Read(0, new byte[512]), "BlockDevice");

Console.WriteLine(ok ? "DRIVERS: PASS" : "DRIVERS: FAIL");
return ok ? 0 : 1;

static byte[] Pattern(int length, int seed)
{
    var data = new byte[length];
    for (int i = 0; i < length; i++)
    {
        data[i] = (byte)(i * 7 + seed + i / 512);
    }

    return data;
}
