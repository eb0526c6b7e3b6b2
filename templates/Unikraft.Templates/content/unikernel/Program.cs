// The unikernel's only program: it greets, prints its arguments, and its exit code ends the VM.
using System.Runtime.InteropServices;

Console.WriteLine($"Hello from a .NET unikernel! ({RuntimeInformation.RuntimeIdentifier})");
for (int i = 0; i < args.Length; i++)
{
    Console.WriteLine($"args[{i}] = {args[i]}");
}

return 0;
