// Entry point: boots the image on QEMU or Firecracker, the program's stdin, stdout and stderr on the launcher's,
// and returns the program's exit code.
using System.ComponentModel;
using Unikraft.Launcher;

try
{
    return Launch(LaunchOptions.Parse(args));
}
catch (UsageException e)
{
    Error(LauncherMessages.UsageError, e.Message);
    Console.Error.WriteLine(LaunchOptions.Usage);
    return LauncherMessages.UsageExitCode;
}

static int Launch(LaunchOptions options)
{
    if (options.Help)
    {
        Console.WriteLine(LaunchOptions.Usage);
        return 0;
    }

    if (!File.Exists(options.Image))
    {
        Error(LauncherMessages.ImageNotFound, options.Image);
        return LauncherMessages.UsageExitCode;
    }

    if (Unikraft.Sdk.ImageMemory.TooSmall(options.Image, options.Memory) is { } minimum)
    {
        Error(LauncherMessages.MemoryTooSmall, options.Memory, options.Image, minimum);
        return LauncherMessages.UsageExitCode;
    }

    if (options.Disks.FirstOrDefault(d => !File.Exists(d.Path)) is { } missing)
    {
        Error(LauncherMessages.DiskNotFound, missing.Path);
        return LauncherMessages.UsageExitCode;
    }

    if (options.Vmm == "firecracker" && options.Network == Unikraft.Sdk.GuestNetwork.User)
    {
        Error(LauncherMessages.UserNetworkOnFirecracker);
        return LauncherMessages.UsageExitCode;
    }

    if (options.Network == Unikraft.Sdk.GuestNetwork.Tap && Unikraft.Sdk.TapDevice.Problem(options.Tap!) is { } tapProblem)
    {
        Error(LauncherMessages.TapDeviceUnusable, options.Tap!, tapProblem);
        return LauncherMessages.UsageExitCode;
    }

    if (options.Vmm == "qemu")
    {
        return LaunchQemu(options, KernelCommandLine.Build(options.KernelArgs, options.ProgramArguments));
    }

    // Firecracker mode: the published config holds the image's command line, whichever VMM runs it.
    string config = FirecrackerCommand.ConfigPathOf(options.Image);
    string publishedBootArgs;
    try
    {
        publishedBootArgs = FirecrackerCommand.ReadBootArgs(File.ReadAllText(config));
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
    {
        Error(LauncherMessages.FirecrackerConfigInvalid, config, e is FileNotFoundException ? "it does not exist" : e.Message);
        return LauncherMessages.UsageExitCode;
    }

    string? firecracker = Unikraft.Sdk.ExecutableSearch.Find(options.Firecracker ?? FirecrackerCommand.DefaultBinary);
    VmmChoice choice = VmmChoice.Choose(options, firecracker, HostProbe.HostArchitecture, HostProbe.KvmDeviceUsable());
    if (choice.Note is not null)
    {
        Console.Error.WriteLine(choice.Note);
    }

    string? commandLine = FirecrackerCommand.CommandLine(options, publishedBootArgs);
    return choice.UseFirecracker ? LaunchFirecracker(options, firecracker, commandLine) : LaunchQemu(options, commandLine);
}

static int LaunchQemu(LaunchOptions options, string? commandLine)
{
    string qemuName = options.Qemu ?? QemuCommand.DefaultBinary(options.Architecture);
    string? qemu = Unikraft.Sdk.ExecutableSearch.Find(qemuName);
    if (qemu is null)
    {
        Error(LauncherMessages.QemuNotFound, qemuName, QemuCommand.DebianPackage(options.Architecture));
        return LauncherMessages.QemuMissingExitCode;
    }

    string controlFile = Path.Combine(Path.GetTempPath(), $"unikraft-{Environment.ProcessId}-{Guid.NewGuid():N}.ctl");
    // QEMU's QMP socket (a Unix socket path has at most 107 bytes): where Ctrl-C becomes system_powerdown.
    string qmpSocket = Path.ChangeExtension(controlFile, ".qmp");
    if (qmpSocket.Length > 100)
    {
        qmpSocket = $"/tmp/unikraft-{Environment.ProcessId}-{Guid.NewGuid():N}.qmp";
    }

    try
    {
        HostFacts host = HostProbe.Probe(options.Architecture, controlFile) with { QmpSocket = qmpSocket, ConsoleOptions = VmmProcess.ConsoleOptions() };
        IReadOnlyList<string> qemuArgs = QemuCommand.Build(options, host, commandLine);
        Verbose(options, qemu, qemuArgs);
        foreach (PortForward forward in options.Forwards)
        {
            Console.Error.WriteLine(forward.Description);
        }

        if (options.Gdb)
        {
            Console.Error.WriteLine($"unikraft: waiting for gdb on port {QemuCommand.GdbPort}; attach with:");
            Console.Error.WriteLine($"  gdb {ShellQuote(Path.GetFullPath(options.Image))} -ex 'target remote :{QemuCommand.GdbPort}'");
        }

        // An arm64 Firecracker image powers off through PSCI (QEMU exits with 0): its code is in the kernel's log.
        bool consoleExit = options.Vmm != "qemu" && options.Architecture == "arm64";
        VmmRun run;
        try
        {
            run = VmmProcess.Run(qemu, qemuArgs, requestShutdown: () =>
            {
                bool asked = QmpClient.SystemPowerdown(qmpSocket, TimeSpan.FromSeconds(5), out string? why);
                if (!asked)
                {
                    Console.Error.WriteLine($"unikraft: QEMU did not take the shutdown request ({why}): stopping it");
                }

                return asked;
            });
        }
        catch (Win32Exception e)
        {
            Error(LauncherMessages.QemuStartFailed, qemu, e.Message);
            return LauncherMessages.QemuMissingExitCode;
        }

        BacktraceResolver.Print(options.Image, options.Architecture, run.Backtrace);
        return run.Interrupted ? LauncherMessages.InterruptedExitCode : Report(
            options.Architecture == "x64"
                ? ExitDecoder.DecodeDebugExit(File.Exists(controlFile) ? File.ReadAllText(controlFile) : null, run.Status)
                : consoleExit ? ExitDecoder.DecodeConsole(run.ExitLine, run.Status, "QEMU")
                : ExitDecoder.DecodeSemihosting(run.Status));
    }
    finally
    {
        File.Delete(controlFile);
        File.Delete(qmpSocket);
    }
}

static int LaunchFirecracker(LaunchOptions options, string? firecracker, string? commandLine)
{
    if (firecracker is null)
    {
        Error(LauncherMessages.FirecrackerNotFound, options.Firecracker ?? FirecrackerCommand.DefaultBinary);
        return LauncherMessages.QemuMissingExitCode;
    }

    string config = Path.Combine(Path.GetTempPath(), $"unikraft-{Environment.ProcessId}-{Guid.NewGuid():N}.fc.json");
    // x86_64: an API socket for SendCtrlAltDel, Ctrl-C's graceful shutdown (Firecracker has no such action on arm64).
    string? apiSocket = options.Architecture == "x64" ? $"/tmp/unikraft-{Environment.ProcessId}-{Guid.NewGuid():N}.fc.sock" : null;
    try
    {
        File.WriteAllText(config, FirecrackerCommand.BuildConfig(options, commandLine, DateTimeOffset.UtcNow, VmmProcess.ConsoleOptions()));
        IReadOnlyList<string> arguments = FirecrackerCommand.Arguments(config, apiSocket);
        if (Verbose(options, firecracker, arguments))
        {
            Console.Error.Write(File.ReadAllText(config));
        }

        VmmRun run;
        try
        {
            run = VmmProcess.Run(firecracker, arguments, requestShutdown: apiSocket is null ? null : () =>
            {
                bool asked = FirecrackerApi.SendCtrlAltDel(apiSocket, TimeSpan.FromSeconds(5), out string? why);
                if (!asked)
                {
                    Console.Error.WriteLine($"unikraft: Firecracker did not take the shutdown request ({why}): stopping it");
                }

                return asked;
            });
        }
        catch (Win32Exception e)
        {
            Error(LauncherMessages.FirecrackerStartFailed, firecracker, e.Message);
            return LauncherMessages.QemuMissingExitCode;
        }

        BacktraceResolver.Print(options.Image, options.Architecture, run.Backtrace);
        return run.Interrupted
            ? LauncherMessages.InterruptedExitCode
            : Report(ExitDecoder.DecodeConsole(run.ExitLine, run.Status, "Firecracker"));
    }
    finally
    {
        File.Delete(config);
        if (apiSocket is not null)
        {
            File.Delete(apiSocket);
        }
    }
}

static int Report(ExitOutcome outcome)
{
    if (outcome.Message is not null)
    {
        Console.Error.WriteLine(outcome.Message);
    }

    return outcome.ExitCode;
}

static bool Verbose(LaunchOptions options, string binary, IReadOnlyList<string> arguments)
{
    bool verbose = options.Verbose || Environment.GetEnvironmentVariable("UNIKRAFT_VERBOSE") == "1";
    if (verbose)
    {
        Console.Error.WriteLine("unikraft: " + string.Join(' ', new[] { binary }.Concat(arguments).Select(ShellQuote)));
    }

    return verbose;
}

static void Error(string format, params object[] values) =>
    Console.Error.WriteLine("error " + string.Format(System.Globalization.CultureInfo.InvariantCulture, format, values));

static string ShellQuote(string arg) =>
    arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./=,:+@%".Contains(c))
        ? arg
        : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
