// Entry point: boots the image in QEMU with inherited stdio and returns the program's exit code.
using System.Diagnostics;
using System.Runtime.InteropServices;
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

    string qemuName = options.Qemu ?? QemuCommand.DefaultBinary(options.Architecture);
    string? qemu = Unikraft.Sdk.ExecutableSearch.Find(qemuName);
    if (qemu is null)
    {
        Error(LauncherMessages.QemuNotFound, qemuName, QemuCommand.DebianPackage(options.Architecture));
        return LauncherMessages.QemuMissingExitCode;
    }

    string controlFile = Path.Combine(Path.GetTempPath(), $"unikraft-{Environment.ProcessId}-{Guid.NewGuid():N}.ctl");
    try
    {
        HostFacts host = HostProbe.Probe(options.Architecture, controlFile);
        IReadOnlyList<string> qemuArgs = QemuCommand.Build(options, host);
        if (options.Verbose || Environment.GetEnvironmentVariable("UNIKRAFT_VERBOSE") == "1")
        {
            Console.Error.WriteLine("unikraft: " + string.Join(' ', new[] { qemu }.Concat(qemuArgs).Select(ShellQuote)));
        }

        if (options.Gdb)
        {
            Console.Error.WriteLine($"unikraft: waiting for gdb on port {QemuCommand.GdbPort}; attach with:");
            Console.Error.WriteLine($"  gdb {ShellQuote(Path.GetFullPath(options.Image))} -ex 'target remote :{QemuCommand.GdbPort}'");
        }

        return Boot(qemu, qemuArgs, options.Architecture, controlFile);
    }
    finally
    {
        File.Delete(controlFile);
    }
}

static int Boot(string qemu, IReadOnlyList<string> qemuArgs, string architecture, string controlFile)
{
    var startInfo = new ProcessStartInfo(qemu) { UseShellExecute = false };
    foreach (string arg in qemuArgs)
    {
        startInfo.ArgumentList.Add(arg);
    }

    using Process process = Start(startInfo, qemu) ?? throw new InvalidOperationException();

    // Ctrl-C in a terminal reaches QEMU too (same process group); a SIGINT or SIGTERM sent to the launcher
    // alone is passed on. QEMU then shuts down cleanly, restoring the terminal, and the launcher reports 130.
    bool interrupted = false;
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        interrupted = true;
        ProcessSignals.Send(process.Id, ProcessSignals.SigInt);
    };
    using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        interrupted = true;
        ProcessSignals.Send(process.Id, ProcessSignals.SigTerm);
    });
    process.WaitForExit();

    if (interrupted)
    {
        return LauncherMessages.InterruptedExitCode;
    }

    ExitOutcome outcome = architecture == "x64"
        ? ExitDecoder.DecodeDebugExit(File.Exists(controlFile) ? File.ReadAllText(controlFile) : null, process.ExitCode)
        : ExitDecoder.DecodeSemihosting(process.ExitCode);
    if (outcome.Message is not null)
    {
        Console.Error.WriteLine(outcome.Message);
    }

    return outcome.ExitCode;
}

static Process? Start(ProcessStartInfo startInfo, string qemu)
{
    try
    {
        return Process.Start(startInfo);
    }
    catch (System.ComponentModel.Win32Exception e)
    {
        Error(LauncherMessages.QemuStartFailed, qemu, e.Message);
        Environment.Exit(LauncherMessages.QemuMissingExitCode);
        return null;
    }
}

static void Error(string format, params object[] values) =>
    Console.Error.WriteLine("error " + string.Format(System.Globalization.CultureInfo.InvariantCulture, format, values));

static string ShellQuote(string arg) =>
    arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./=,:+@%".Contains(c))
        ? arg
        : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
