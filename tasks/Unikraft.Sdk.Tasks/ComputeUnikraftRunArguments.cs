// Task: builds the launcher's argument string for `dotnet run` from the Unikraft* run properties.
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Validates the run properties (UKSDK1040 for a bad value, UKSDK1041 for a UnikraftMemory below what the image needs:
/// <see cref="ImageMemory"/>) and produces $(RunArguments):
/// <c>exec "&lt;launcher&gt;" --image … [options] --</c>; <c>dotnet run</c> appends the program arguments.
/// Firecracker images (backend <c>fc</c>) run with <c>--vmm auto</c>: on Firecracker when it is on PATH, else
/// on the equivalent QEMU machine. The network (from <see cref="ResolveUnikraftNetwork"/>) becomes <c>--net</c>,
/// <c>--tap</c> and <c>--forward</c>; a tap device that cannot be attached now is UKSDK1080; UnikraftNetworkConfig
/// leads the kernel options.
/// </summary>
public sealed partial class ComputeUnikraftRunArguments : UnikraftTask
{
    /// <summary>Unikraft.Launcher.dll, run with <c>dotnet exec</c>.</summary>
    [Required]
    public string LauncherPath { get; set; } = "";

    /// <summary>The RID being run, for messages.</summary>
    [Required]
    public string RuntimeIdentifier { get; set; } = "";

    /// <summary><c>qemu</c> or <c>fc</c> (Firecracker, with QEMU as the fallback).</summary>
    [Required]
    public string Backend { get; set; } = "";

    /// <summary>The image to boot.</summary>
    [Required]
    public string Image { get; set; } = "";

    /// <summary><c>x64</c> or <c>arm64</c>.</summary>
    [Required]
    public string Architecture { get; set; } = "";

    /// <summary>The full path of the QEMU system emulator; empty lets the launcher search PATH (fc images).</summary>
    public string QemuPath { get; set; } = "";

    /// <summary>UnikraftMemory: guest RAM, a QEMU size such as <c>256M</c>.</summary>
    public string Memory { get; set; } = "";

    /// <summary>UnikraftQemuMachine: <c>microvm</c> or <c>q35</c> (x64), <c>virt</c> (arm64); empty = default.</summary>
    public string Machine { get; set; } = "";

    /// <summary>UnikraftAccel: <c>auto</c>, <c>kvm</c> or <c>tcg</c>.</summary>
    public string Accel { get; set; } = "";

    /// <summary>UnikraftKernelArgs: kernel options placed before <c>--</c>.</summary>
    public string KernelArgs { get; set; } = "";

    /// <summary>UnikraftQemuArgs: extra QEMU arguments.</summary>
    public string QemuArgs { get; set; } = "";

    /// <summary>UnikraftGdb: start QEMU's gdb stub and wait for a debugger.</summary>
    public bool Gdb { get; set; }

    /// <summary>UnikraftVerbose: print the QEMU command line.</summary>
    public bool Verbose { get; set; }

    /// <summary>The output of <see cref="ResolveUnikraftDisks"/>, attached in order as /dev/vda, /dev/vdb, ….</summary>
    public ITaskItem[] Disks { get; set; } = [];

    /// <summary>The resolved UnikraftNetwork: <c>none</c> (or empty), <c>user</c> or <c>tap</c>.</summary>
    public string Network { get; set; } = "";

    /// <summary>UnikraftTapDevice: the host's tap device of <c>tap</c>, checked here (UKSDK1080).</summary>
    public string TapDevice { get; set; } = "";

    /// <summary>UnikraftNetworkConfig: <c>net.*</c> kernel options placed before <see cref="KernelArgs"/>.</summary>
    public string NetworkConfig { get; set; } = "";

    /// <summary>The output of <see cref="ResolveUnikraftNetwork"/>: <c>tcp:HOST:GUEST</c> items, passed as <c>--forward</c>.</summary>
    public ITaskItem[] PortForwards { get; set; } = [];

    /// <summary>The dotnet host that runs the launcher, for $(RunCommand).</summary>
    [Output]
    public string DotnetHost { get; private set; } = "";

    /// <summary>The escaped argument string for $(RunArguments).</summary>
    [Output]
    public string RunArguments { get; private set; } = "";

    /// <inheritdoc />
    protected override void ExecuteCore()
    {
        Check("Backend", Backend, Backend is "qemu" or "fc", $"expected qemu or fc for {RuntimeIdentifier}.");
        Check("UnikraftMemory", Memory, MemoryPattern().IsMatch(Memory) && (Backend != "fc" || FirecrackerConfig.MebibytesOf(Memory) is not null),
            "expected a size such as 256M or 1G (whole MiB for Firecracker).");
        Check("UnikraftAccel", Accel, Accel is "" or "auto" or "kvm" or "tcg", "expected auto, kvm or tcg.");
        string[] machines = Architecture == "arm64" ? ["", "virt"] : ["", "microvm", "q35"];
        Check("UnikraftQemuMachine", Machine, machines.Contains(Machine),
            $"expected {string.Join(" or ", machines.Skip(1))} for {Architecture}.");
        if (!Log.HasLoggedErrors && ImageMemory.TooSmall(Image, Memory) is { } minimum)
        {
            LogError(nameof(Strings.MemoryTooSmall), Memory, Image, minimum);
        }

        if (Network == GuestNetwork.Tap && Unikraft.Sdk.TapDevice.Problem(TapDevice.Trim()) is { } tapProblem)
        {
            LogError(nameof(Strings.TapDeviceUnusable), TapDevice.Trim(), tapProblem);
        }

        if (Log.HasLoggedErrors)
        {
            return;
        }

        DotnetHost = DotnetHostPath.Ensure();
        var arguments = new List<string> { "exec", LauncherPath, "--image", Image, "--arch", Architecture };
        AddIfSet(arguments, "--vmm", Backend == "fc" ? "auto" : "");
        AddIfSet(arguments, "--qemu", QemuPath);
        arguments.AddRange(["--memory", Memory]);
        AddIfSet(arguments, "--machine", Machine);
        AddIfSet(arguments, "--accel", Accel);
        AddIfSet(arguments, "--kernel-args", $"{NetworkConfig.Trim()} {KernelArgs.Trim()}".Trim());
        AddIfSet(arguments, "--qemu-args", QemuArgs.Trim());
        foreach (ITaskItem disk in Disks)
        {
            bool readOnly = string.Equals(disk.GetMetadata("ReadOnly"), "true", StringComparison.OrdinalIgnoreCase);
            arguments.AddRange(["--disk", disk.ItemSpec + (readOnly ? ",ro" : "")]);
        }

        if (Network is GuestNetwork.User or GuestNetwork.Tap)
        {
            arguments.AddRange(["--net", Network]);
            AddIfSet(arguments, "--tap", Network == GuestNetwork.Tap ? TapDevice.Trim() : "");
            arguments.AddRange(PortForwards.SelectMany(f => new[] { "--forward", f.ItemSpec }));
        }

        if (Gdb)
        {
            arguments.Add("--gdb");
        }

        if (Verbose)
        {
            arguments.Add("--verbose");
        }

        arguments.Add("--");
        RunArguments = ArgumentEscaper.Join(arguments);
    }

    private static void AddIfSet(List<string> arguments, string option, string value)
    {
        if (value.Length > 0)
        {
            arguments.Add(option);
            arguments.Add(value);
        }
    }

    private void Check(string property, string value, bool valid, string expectation)
    {
        if (!valid)
        {
            LogError(nameof(Strings.InvalidPropertyValue), property, value, expectation);
        }
    }

    [GeneratedRegex("^[1-9][0-9]*[KMGT]?$")]
    private static partial Regex MemoryPattern();
}
