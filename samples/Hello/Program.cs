// The README's sample: a C# program that boots as a unikernel, greets, prints its arguments and exits with 0.
Console.WriteLine("Hello from a .NET unikernel!");
foreach (string arg in args)
{
    Console.WriteLine(arg);
}

return 0;
