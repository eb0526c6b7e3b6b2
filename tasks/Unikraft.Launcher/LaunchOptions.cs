// The launcher's command line: parsing and validation, with no side effects.
using System.Text.RegularExpressions;

namespace Unikraft.Launcher;

/// <summary>A usage error; the launcher prints it with code UKSDK2003 and exits with 125.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A disk image attached as a virtio-blk device (<c>--disk path[,ro]</c>).</summary>
/// <param name="Path">The image file, absolute.</param>
/// <param name="ReadOnly">Attached read-only.</param>
public sealed record DiskOption(string Path, bool ReadOnly)
{
    /// <summary>Parses <c>path</c>, <c>path,ro</c> or <c>path,rw</c>; a relative path is made absolute against the working folder.</summary>
    public static DiskOption Parse(string value)
    {
        bool readOnly = value.EndsWith(",ro", StringComparison.Ordinal);
        string path = readOnly || value.EndsWith(",rw", StringComparison.Ordinal) ? value[..^3] : value;
        if (path.Length == 0)
        {
            throw new UsageException($"--disk needs a path, not '{value}'.");
        }

        return new DiskOption(System.IO.Path.GetFullPath(path), readOnly);
    }
}

/// <summary>A port of the guest reached from the host's loopback in user-mode networking (<c>--forward [tcp|udp:]HOST:GUEST</c>).</summary>
/// <param name="Protocol"><c>tcp</c> or <c>udp</c>.</param>
/// <param name="HostPort">The port on 127.0.0.1 of the host.</param>
/// <param name="GuestPort">The guest's port.</param>
public sealed record PortForward(string Protocol, int HostPort, int GuestPort)
{
    /// <summary>Parses <c>HOST:GUEST</c>, <c>tcp:HOST:GUEST</c> or <c>udp:HOST:GUEST</c> (ports 1-65535).</summary>
    public static PortForward Parse(string value)
    {
        string[] parts = value.Split(':');
        string protocol = parts.Length == 3 ? parts[0] : "tcp";
        if (parts.Length is not (2 or 3) || protocol is not ("tcp" or "udp")
            || Port(parts[^2]) is not { } host || Port(parts[^1]) is not { } guest)
        {
            throw new UsageException($"--forward takes [tcp|udp:]HOST:GUEST with ports 1-65535, not '{value}'.");
        }

        return new PortForward(protocol, host, guest);
    }

    /// <summary>QEMU's rule: <c>tcp:127.0.0.1:HOST-:GUEST</c> (the guest's address is the one slirp's DHCP gave it).</summary>
    public string HostForward => $"{Protocol}:{Unikraft.Sdk.GuestNetwork.ForwardAddress}:{HostPort}-:{GuestPort}";

    /// <summary>The line the launcher prints for it before the VM starts.</summary>
    public string Description =>
        $"unikraft: forwarding {Protocol} {Unikraft.Sdk.GuestNetwork.ForwardAddress}:{HostPort} to the guest's port {GuestPort}"
        + (Protocol == "tcp" ? $" (http://{Unikraft.Sdk.GuestNetwork.ForwardAddress}:{HostPort}/ for a web server)" : "");

    /// <summary>The option value: <c>tcp:HOST:GUEST</c>.</summary>
    public override string ToString() => $"{Protocol}:{HostPort}:{GuestPort}";

    private static int? Port(string text) =>
        text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) && int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 65535 and var port
            ? port
            : null;
}

/// <summary>
/// <c>--image PATH [--arch x64|arm64] [--vmm qemu|firecracker|auto] [--qemu PATH] [--firecracker PATH]
/// [--memory SIZE] [--machine NAME] [--accel auto|kvm|tcg] [--kernel-args TEXT] [--qemu-args TEXT]
/// [--disk PATH[,ro]]… [--net none|user|tap] [--tap NAME] [--forward [tcp|udp:]HOST:GUEST]… [--gdb] [--verbose]
/// [-- program arguments]</c>.
/// </summary>
public sealed partial record LaunchOptions
{
    /// <summary>The usage text printed by --help and after usage errors.</summary>
    public const string Usage =
        "usage: Unikraft.Launcher --image <path> [--arch x64|arm64] [--vmm qemu|firecracker|auto] [--qemu <path>]\n" +
        "       [--firecracker <path>] [--memory <size>] [--machine microvm|q35|virt] [--accel auto|kvm|tcg]\n" +
        "       [--kernel-args <text>] [--qemu-args <text>] [--disk <path>[,ro]]... [--net none|user|tap]\n" +
        "       [--tap <name>] [--forward [tcp|udp:]<host port>:<guest port>]... [--gdb] [--verbose]\n" +
        "       [-- <program arguments>]";

    /// <summary>The unikernel image (an ELF file) to boot.</summary>
    public string Image { get; init; } = "";

    /// <summary>The guest CPU: <c>x64</c> or <c>arm64</c>.</summary>
    public string Architecture { get; init; } = "x64";

    /// <summary>
    /// <c>qemu</c> (default), <c>firecracker</c> or <c>auto</c> (Firecracker when it can run the image here,
    /// else QEMU). Firecracker boots unikraft-fc-* images with the config published next to them.
    /// </summary>
    public string Vmm { get; init; } = "qemu";

    /// <summary>The QEMU binary; null picks the emulator of <see cref="Architecture"/> from PATH.</summary>
    public string? Qemu { get; init; }

    /// <summary>The Firecracker binary; null looks for <c>firecracker</c> on PATH.</summary>
    public string? Firecracker { get; init; }

    /// <summary>Guest RAM as a QEMU size.</summary>
    public string Memory { get; init; } = "256M";

    /// <summary>The QEMU machine; null picks microvm (x64) or virt (arm64).</summary>
    public string? Machine { get; init; }

    /// <summary><c>auto</c>, <c>kvm</c> or <c>tcg</c>.</summary>
    public string Accel { get; init; } = "auto";

    /// <summary>Kernel options placed before <c>--</c> on the kernel command line.</summary>
    public string KernelArgs { get; init; } = "";

    /// <summary>Extra QEMU arguments, split like a shell splits words.</summary>
    public string QemuArgs { get; init; } = "";

    /// <summary>Disk images attached in order (the guest's /dev/vda, /dev/vdb, …).</summary>
    public IReadOnlyList<DiskOption> Disks { get; init; } = [];

    /// <summary>
    /// The guest's network device: <c>none</c> (default), <c>user</c> (QEMU's user-mode network) or <c>tap</c>
    /// (the existing tap device <see cref="Tap"/>).
    /// </summary>
    public string Network { get; init; } = Unikraft.Sdk.GuestNetwork.None;

    /// <summary>The host's tap device of <c>--net tap</c>.</summary>
    public string? Tap { get; init; }

    /// <summary>Ports of the guest reached from the host's 127.0.0.1 (<c>--net user</c> only).</summary>
    public IReadOnlyList<PortForward> Forwards { get; init; } = [];

    /// <summary>Start QEMU's gdb stub on :1234 and wait for a debugger.</summary>
    public bool Gdb { get; init; }

    /// <summary>Print the QEMU command line to stderr.</summary>
    public bool Verbose { get; init; }

    /// <summary>Print the usage and exit.</summary>
    public bool Help { get; init; }

    /// <summary>The program's arguments (everything after <c>--</c>).</summary>
    public IReadOnlyList<string> ProgramArguments { get; init; } = [];

    /// <summary>Parses <paramref name="args"/>; throws <see cref="UsageException"/> on any mistake.</summary>
    public static LaunchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LaunchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => ++i < args.Count ? args[i] : throw new UsageException($"{arg} needs a value.");
            options = arg switch
            {
                "--" => options with { ProgramArguments = args.Skip(i + 1).ToArray() },
                "--image" => options with { Image = Value() },
                "--arch" => options with { Architecture = Value() },
                "--vmm" => options with { Vmm = Value() },
                "--qemu" => options with { Qemu = Value() },
                "--firecracker" => options with { Firecracker = Value() },
                "--memory" => options with { Memory = Value() },
                "--machine" => options with { Machine = Value() },
                "--accel" => options with { Accel = Value() },
                "--kernel-args" => options with { KernelArgs = Value() },
                "--qemu-args" => options with { QemuArgs = Value() },
                "--disk" => options with { Disks = [.. options.Disks, DiskOption.Parse(Value())] },
                "--net" => options with { Network = Value() },
                "--tap" => options with { Tap = Value() },
                "--forward" => options with { Forwards = [.. options.Forwards, PortForward.Parse(Value())] },
                "--gdb" => options with { Gdb = true },
                "--verbose" => options with { Verbose = true },
                "-h" or "--help" => options with { Help = true },
                _ => throw new UsageException($"unknown option '{arg}'."),
            };
            if (arg == "--")
            {
                break;
            }
        }

        return options.Help ? options : options.Validated();
    }

    private LaunchOptions Validated()
    {
        if (Image.Length == 0)
        {
            throw new UsageException("--image is required.");
        }

        if (Architecture is not ("x64" or "arm64"))
        {
            throw new UsageException($"--arch must be x64 or arm64, not '{Architecture}'.");
        }

        if (!MemoryPattern().IsMatch(Memory))
        {
            throw new UsageException($"--memory must be a size such as 256M or 1G, not '{Memory}'.");
        }

        if (Accel is not ("auto" or "kvm" or "tcg"))
        {
            throw new UsageException($"--accel must be auto, kvm or tcg, not '{Accel}'.");
        }

        if (Vmm is not ("qemu" or "firecracker" or "auto"))
        {
            throw new UsageException($"--vmm must be qemu, firecracker or auto, not '{Vmm}'.");
        }

        if (Vmm != "qemu" && !QemuCommand.IsFirecrackerImage(Image))
        {
            throw new UsageException($"--vmm {Vmm} boots Firecracker images (<name>.fc, published for unikraft-fc-*), not '{Image}'.");
        }

        if (Vmm == "firecracker" && Gdb)
        {
            throw new UsageException("--gdb needs QEMU's gdb stub: use --vmm qemu or auto.");
        }

        if (Vmm != "qemu" && Unikraft.Sdk.FirecrackerConfig.MebibytesOf(Memory) is null)
        {
            throw new UsageException($"--memory must be whole MiB for Firecracker, not '{Memory}'.");
        }

        string[] machines = Architecture == "x64" ? ["microvm", "q35"] : ["virt"];
        if (Machine is not null && !machines.Contains(Machine))
        {
            throw new UsageException($"--machine must be {string.Join(" or ", machines)} for {Architecture}, not '{Machine}'.");
        }

        ValidateNetwork();
        return this;
    }

    private void ValidateNetwork()
    {
        if (!Unikraft.Sdk.GuestNetwork.Modes.Contains(Network))
        {
            throw new UsageException($"--net must be none, user or tap, not '{Network}'.");
        }

        if (Network == Unikraft.Sdk.GuestNetwork.Tap && Tap is null)
        {
            throw new UsageException("--net tap needs --tap <name>, an existing tap device of the host.");
        }

        if (Tap is not null && Network != Unikraft.Sdk.GuestNetwork.Tap)
        {
            throw new UsageException($"--tap {Tap} needs --net tap.");
        }

        if (Tap is not null && !Unikraft.Sdk.GuestNetwork.IsInterfaceName(Tap))
        {
            throw new UsageException($"--tap must name a network interface (1 to 15 characters without '/', ':', ',' or blanks), not '{Tap}'.");
        }

        if (Forwards.Count > 0 && Network != Unikraft.Sdk.GuestNetwork.User)
        {
            throw new UsageException($"--forward needs --net user (QEMU's user-mode network), not --net {Network}"
                + (Network == Unikraft.Sdk.GuestNetwork.Tap ? ": on a tap device the guest has an address of its own." : "."));
        }

        if (Forwards.GroupBy(f => (f.Protocol, f.HostPort)).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new UsageException($"--forward: the host's {twice.Key.Protocol} port {twice.Key.HostPort} is forwarded twice.");
        }
    }

    [GeneratedRegex("^[1-9][0-9]*[KMGT]?$")]
    private static partial Regex MemoryPattern();
}
