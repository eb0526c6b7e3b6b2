// Builds the QEMU argument list for an image: machine, accelerator, console, exit devices, disks, network, gdb.
namespace Unikraft.Launcher;

/// <summary>What the launcher found out about the host, passed in so that the builder stays pure.</summary>
/// <param name="KvmUsable">/dev/kvm opens read-write and the guest CPU is the host's.</param>
/// <param name="QbootPath">qboot's firmware for q35, or null when it is not installed.</param>
/// <param name="ControlFile">The file that receives the kernel's control line (port 0x402).</param>
/// <param name="WallClock">The host's clock at launch, passed as uk.walltime=; null passes none.</param>
/// <param name="QmpSocket">The Unix socket of QEMU's QMP server, through which the launcher asks for a graceful
/// shutdown (<see cref="QmpClient"/>); null opens none.</param>
/// <param name="ConsoleOptions">The framed console's kernel options (<see cref="VmmProcess.ConsoleOptions()"/>); null: a plain console.</param>
public sealed record HostFacts(
    bool KvmUsable, string? QbootPath, string ControlFile, DateTimeOffset? WallClock = null, string? QmpSocket = null,
    string? ConsoleOptions = null);

/// <summary>The QEMU invocation of one boot.</summary>
public static class QemuCommand
{
    /// <summary>The gdb stub port that <c>-s</c> opens.</summary>
    public const int GdbPort = 1234;

    /// <summary>The QEMU binary name for <paramref name="architecture"/>.</summary>
    public static string DefaultBinary(string architecture) =>
        architecture == "arm64" ? "qemu-system-aarch64" : "qemu-system-x86_64";

    /// <summary>The Debian package that installs <see cref="DefaultBinary"/>.</summary>
    public static string DebianPackage(string architecture) =>
        architecture == "arm64" ? "qemu-system-arm" : "qemu-system-x86";

    /// <summary>
    /// The accelerator that <c>--accel</c> resolves to on this host: <c>kvm</c> or <c>tcg</c>. <c>auto</c> is KVM
    /// only when the guest CPU is the host's (<see cref="HostFacts.KvmUsable"/>): an arm64 guest on an x86_64
    /// host always runs under TCG with <c>-cpu max</c>.
    /// </summary>
    public static string ResolveAccel(LaunchOptions options, HostFacts host) =>
        options.Accel == "auto" ? (host.KvmUsable ? "kvm" : "tcg") : options.Accel;

    /// <summary>True for an image of a Firecracker RID (unikraft-fc-*), named <c>&lt;name&gt;.fc</c>.</summary>
    public static bool IsFirecrackerImage(string image) => image.EndsWith(".fc", StringComparison.Ordinal);

    /// <summary>Builds the arguments (without the QEMU binary itself).</summary>
    public static IReadOnlyList<string> Build(LaunchOptions options, HostFacts host) =>
        Build(options, host, KernelCommandLine.Build(options.KernelArgs, options.ProgramArguments));

    /// <summary>
    /// Builds the arguments with <paramref name="commandLine"/> as the kernel command line (null: none, so the
    /// image's default applies; <c>uk.walltime=</c> is added either way).
    /// </summary>
    public static IReadOnlyList<string> Build(LaunchOptions options, HostFacts host, string? commandLine)
    {
        bool x64 = options.Architecture == "x64";
        string machine = options.Machine ?? (x64 ? "microvm" : "virt");
        var args = new List<string>();
        args.AddRange(machine switch
        {
            // ACPI gives microvm its power button (the generic event device that system_powerdown presses); the
            // virtio-mmio transports are then in the DSDT only, on I/O APIC pins 16-23 without the second I/O APIC.
            "microvm" => ["-M", "microvm,acpi=on,ioapic2=off"],
            "q35" when host.QbootPath is not null => ["-M", "q35", "-bios", host.QbootPath],
            // Firecracker's arm64 VMs have a GICv3; its images get one on QEMU too (virt's default is a GICv2).
            "virt" when IsFirecrackerImage(options.Image) => ["-M", "virt,gic-version=3"],
            _ => ["-M", machine],
        });
        args.AddRange(["-nodefaults", "-no-user-config", "-nographic", "-no-reboot", "-m", options.Memory]);
        args.AddRange(["-kernel", options.Image]);
        if (host.ConsoleOptions is { } console)
        {
            // Like uk.walltime= (before them), these do not count as a command line of the user's.
            commandLine = commandLine is null ? console : console + " " + commandLine;
        }

        if (host.WallClock is { } now)
        {
            // The host's clock at launch: the guest's wall clock when the VM has no better one (the CMOS
            // RTC counts whole seconds). The kernel does not count it as a command line of the user's.
            string walltime = $"uk.walltime={now.ToUnixTimeMilliseconds() / 1000}.{now.ToUnixTimeMilliseconds() % 1000:D3}";
            commandLine = commandLine is null ? walltime : walltime + " " + commandLine;
        }

        if (commandLine is not null)
        {
            args.AddRange(["-append", commandLine]);
        }

        // The serial console is QEMU's stdin/stdout (the launcher's pipes, framed); signal=on keeps a SIGINT a signal
        // (QEMU runs in a session of its own when the launcher handles Ctrl-C, see VmmProcess) instead of a monitor.
        args.AddRange(["-chardev", "stdio,id=con,signal=on,mux=off", "-serial", "chardev:con"]);
        if (host.QmpSocket is not null)
        {
            // The launcher's control channel: Ctrl-C and SIGTERM become system_powerdown (the guest's power button).
            args.AddRange(["-qmp", $"unix:{host.QmpSocket.Replace(",", ",,", StringComparison.Ordinal)},server=on,wait=off"]);
        }

        if (x64)
        {
            // Exit protocol: the control line goes to port 0x402 (a file), the status to port 0xf4.
            args.AddRange(["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]);
            args.AddRange(["-chardev", $"file,id=ukctl,path={host.ControlFile}", "-device", "isa-debugcon,iobase=0x402,chardev=ukctl"]);
        }
        else
        {
            // arm64 has no ISA ports: the kernel leaves through semihosting SYS_EXIT with the code itself.
            args.AddRange(["-semihosting-config", "enable=on,target=native"]);
        }

        bool lowestWindowFirst = !x64 && IsFirecrackerImage(options.Image);
        args.AddRange(DiskArguments(options.Disks, machine, lowestWindowFirst));
        args.AddRange(NetworkArguments(options, machine, lowestWindowFirst));
        args.AddRange(ResolveAccel(options, host) == "kvm"
            ? ["-enable-kvm", "-cpu", x64 ? "host,-arch-capabilities" : "host"]
            : ["-accel", "tcg", "-cpu", "max"]);
        if (options.Gdb)
        {
            args.AddRange(["-s", "-S"]);
        }

        args.AddRange(WordSplitter.Split(options.QemuArgs));
        return args;
    }

    /// <summary>
    /// One virtio-blk device per disk, in order (the guest numbers them /dev/vda, /dev/vdb, … as they come):
    /// <c>-drive file=…,if=none,id=vdN,format=raw[,readonly=on]</c> and its device: on the PCI bus of q35
    /// and of virt (<c>virtio-blk-pci</c>, in ascending slots, the order the kernel scans), on microvm's
    /// virtio-mmio transports (<c>virtio-blk-device</c>). Firecracker images get virtio-mmio everywhere,
    /// as on Firecracker: QEMU plugs the first device into virt's highest window, Firecracker into its
    /// lowest, so on virt (<paramref name="lowestWindowFirst"/>) their disks are pinned to the windows
    /// from the lowest up (<c>virtio-mmio-bus.N</c>) and the kernel finds them in the same order.
    /// </summary>
    public static IEnumerable<string> DiskArguments(IReadOnlyList<DiskOption> disks, string machine, bool lowestWindowFirst = false)
    {
        string device = OnPci(machine, lowestWindowFirst) ? "virtio-blk-pci" : "virtio-blk-device";
        for (int i = 0; i < disks.Count; i++)
        {
            // QEMU's option syntax doubles a comma that belongs to a value.
            string file = disks[i].Path.Replace(",", ",,", StringComparison.Ordinal);
            yield return "-drive";
            yield return $"file={file},if=none,id=vd{i},format=raw" + (disks[i].ReadOnly ? ",readonly=on" : "");
            yield return "-device";
            yield return $"{device},drive=vd{i}" + (lowestWindowFirst ? $",bus=virtio-mmio-bus.{i}" : "");
        }
    }

    /// <summary>
    /// The guest's virtio-net device (<c>--net user|tap</c>; nothing for <c>none</c>) after the disks, on the
    /// disks' transport (see <see cref="DiskArguments"/>): <c>-netdev user,id=net0[,hostfwd=tcp:127.0.0.1:HOST-:GUEST]…</c>
    /// or <c>-netdev tap,id=net0,ifname=NAME,script=no,downscript=no</c>, then <c>virtio-net-pci</c> (q35, virt)
    /// or <c>virtio-net-device</c> (microvm; Firecracker images on virt, pinned to the window after the disks',
    /// where Firecracker puts its network device), with the image's stable MAC (<see cref="Unikraft.Sdk.GuestNetwork.GuestMac"/>).
    /// </summary>
    public static IEnumerable<string> NetworkArguments(LaunchOptions options, string machine, bool lowestWindowFirst = false)
    {
        if (options.Network == Unikraft.Sdk.GuestNetwork.None)
        {
            yield break;
        }

        string id = Unikraft.Sdk.GuestNetwork.QemuNetdevId;
        yield return "-netdev";
        yield return options.Network == Unikraft.Sdk.GuestNetwork.User
            ? $"user,id={id}" + string.Concat(options.Forwards.Select(f => ",hostfwd=" + f.HostForward))
            : $"tap,id={id},ifname={options.Tap},script=no,downscript=no";
        yield return "-device";
        yield return (OnPci(machine, lowestWindowFirst) ? "virtio-net-pci" : "virtio-net-device")
            + $",netdev={id},mac={Unikraft.Sdk.GuestNetwork.GuestMac(options.Image)}"
            + (lowestWindowFirst ? $",bus=virtio-mmio-bus.{options.Disks.Count}" : "");
    }

    /// <summary>Virtio devices go on the PCI bus of q35 and virt, but on virtio-mmio for microvm and Firecracker images.</summary>
    private static bool OnPci(string machine, bool lowestWindowFirst) => machine == "q35" || (machine == "virt" && !lowestWindowFirst);
}
