// The unikernel's only program: it greets, prints its arguments and disks, and its exit code ends the VM.
using System.Runtime.InteropServices;

Console.WriteLine($"Hello from a .NET unikernel! ({RuntimeInformation.RuntimeIdentifier})");
for (int i = 0; i < args.Length; i++)
{
    Console.WriteLine($"args[{i}] = {args[i]}");
}

// Disks attached with <UnikraftDisk Include="data.img" /> items appear as /dev/vda, /dev/vdb, ...
foreach (Unikraft.Drivers.BlockDeviceInfo disk in Unikraft.Drivers.BlockDevice.Enumerate())
{
    Console.WriteLine($"disk {disk.Name}: {disk.Capacity} bytes{(disk.IsReadOnly ? ", read-only" : "")}");
}

return 0;
