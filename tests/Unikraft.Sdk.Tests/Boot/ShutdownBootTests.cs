// Graceful shutdown: the VMM's shutdown request (QEMU's system_powerdown through the launcher's Ctrl-C/SIGTERM path,
// Ctrl-Alt-Del on the i8042) reaches the program as SIGTERM, the program finishes its work, and the VM powers off
// with the program's own exit code.
using System.Diagnostics;
using System.Text;
using Unikraft.Launcher;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class ShutdownBootTests
{
    private const string Running = "SIGTERM: running";
    private const int TermProbeExitCode = 42;

    /// <summary>rid and machine: q35 (ACPI power button), microvm (ACPI generic event device), arm64 virt (GPIO power key).</summary>
    public static IEnumerable<object[]> Machines =>
    [
        BootTarget.Row(BootTarget.QemuX64, (BootTarget.QemuX64, "q35")),
        BootTarget.Row(BootTarget.QemuX64, (BootTarget.QemuX64, "microvm")),
        BootTarget.Row(BootTarget.QemuArm64, (BootTarget.QemuArm64, "virt")),
    ];

    /// <summary>
    /// SIGTERM to the launcher (what `dotnet run` passes on, as for Ctrl-C) becomes QEMU's system_powerdown; the kernel
    /// turns the power button into SIGTERM for the program, whose handler lets it finish and exit with 42.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Machines))]
    public void GivenSigtermToTheLauncher_TheProgramShutsDownGracefullyAndTheVmExitsWithItsCode(string rid, string machine)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();

        (int exitCode, string output) = RunUntilRunning(target, ["--machine", machine, "--kernel-args", "uk.log=info"],
            launcher => Assert.IsTrue(ProcessSignals.Send(launcher.Id, ProcessSignals.SigTerm), "kill(SIGTERM) failed"));

        Assert.AreEqual(TermProbeExitCode, exitCode, output);
        StringAssert.Contains(output, "asking the VM to shut down");
        StringAssert.Contains(output, "[uk] shutdown requested (");
        StringAssert.Contains(output, "SIGTERM: received");
        StringAssert.Contains(output, "SIGTERM: cleanup done, exiting with 42");
    }

    /// <summary>
    /// Ctrl-C typed in a terminal (a pseudo-terminal here, which the launcher puts in raw mode): the ^C byte goes to
    /// the guest's terminal, which sends the program SIGINT, as a native process would get it; the program stops
    /// gracefully on it and the VM powers off with its code.
    /// </summary>
    [TestMethod]
    public void GivenCtrlCInATerminal_TheProgramGetsSigintAndEndsGracefully()
    {
        HostTools.Require("python3");
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();
        const string script = """
            import os, pty, select, sys, time
            pid, fd = pty.fork()
            if pid == 0:
                os.execvp(sys.argv[1], sys.argv[1:])
            out, sent, start = b"", False, time.time()
            while time.time() - start < 180:
                if select.select([fd], [], [], 1)[0]:
                    try:
                        data = os.read(fd, 4096)
                    except OSError:
                        break
                    if not data:
                        break
                    out += data
                if not sent and b"SIGTERM: running" in out:
                    os.write(fd, b"\x03")
                    sent = True
            sys.stdout.write(out.decode(errors="replace"))
            sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
            """;

        CommandResult result = Command.Run("python3",
            ["-c", script, "dotnet", .. target.LaunchArguments(target.Image("Probe"), [], ["sigterm"])], timeout: TimeSpan.FromMinutes(4));

        Assert.AreEqual(TermProbeExitCode, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "SIGINT: received");
        StringAssert.Contains(result.Output, "SIGTERM: cleanup done, exiting with 42");
    }

    /// <summary>
    /// Ctrl-Alt-Del on q35's i8042 keyboard controller (QMP send-key), the path Firecracker's SendCtrlAltDel takes
    /// on its own i8042: the program gets SIGTERM as for the power button.
    /// </summary>
    [TestMethod]
    public void GivenCtrlAltDelOnTheI8042_TheProgramGetsSigterm()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();
        string socket = Path.Combine(Path.GetTempPath(), $"uk-test-{Guid.NewGuid():N}.qmp");
        try
        {
            (int exitCode, string output) = RunUntilRunning(target,
                ["--machine", "q35", "--kernel-args", "uk.log=info", "--qemu-args", $"-qmp unix:{socket},server=on,wait=off"],
                _ =>
                {
                    const string keys = """{"execute":"send-key","arguments":{"keys":[{"type":"qcode","data":"ctrl"},{"type":"qcode","data":"alt"},{"type":"qcode","data":"delete"}]}}""";
                    Assert.IsTrue(QmpClient.Execute(socket, keys, TimeSpan.FromSeconds(10), out string? error), error);
                });

            Assert.AreEqual(TermProbeExitCode, exitCode, output);
            StringAssert.Contains(output, "[uk] shutdown requested (Ctrl-Alt-Del)");
            StringAssert.Contains(output, "SIGTERM: cleanup done, exiting with 42");
        }
        finally
        {
            File.Delete(socket);
        }
    }

    /// <summary>
    /// A program without a SIGTERM handler (the cancelkey mode only handles SIGINT) ends by SIGTERM's default action,
    /// as on Linux (where .NET 10 ends with 143 too), and the VM powers off with 128 + 15.
    /// </summary>
    [TestMethod]
    public void GivenNoSigtermHandler_TheProgramEndsWith143AsOnLinux()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();

        (int exitCode, string output) = RunUntilRunning(target, [], launcher => ProcessSignals.Send(launcher.Id, ProcessSignals.SigTerm),
            "cancelkey", "waiting for ^C");

        Assert.AreEqual(143, exitCode, output);
        StringAssert.Contains(output, "[uk] program terminated by SIGTERM (signal 15)");
        Assert.DoesNotContain("CANCELKEY:", output);
    }

    /// <summary>
    /// The terminal hangs up (SIGHUP to the launcher): QEMU, in a session of its own, does not get the hang-up itself,
    /// so the launcher stops it at once instead of leaving it running; 130 as for an interrupted run.
    /// </summary>
    [TestMethod]
    public void GivenAHangUp_TheLauncherStopsTheVmAtOnce()
    {
        BootTarget target = BootTarget.Of(BootTarget.QemuX64);
        target.RequireHelloBoots();

        (int exitCode, string output) = RunUntilRunning(target, [], launcher => ProcessSignals.Send(launcher.Id, SigHup));

        Assert.AreEqual(130, exitCode, output);
        StringAssert.Contains(output, "terminating on signal 15");
        Assert.DoesNotContain("SIGTERM: received", output);
    }

    private const int SigHup = 1;

    /// <summary>
    /// Boots the Probe in <paramref name="mode"/> through the launcher, runs <paramref name="request"/> once the program
    /// prints <paramref name="marker"/>, and returns the launcher's exit code and output (stdout and stderr).
    /// </summary>
    private static (int ExitCode, string Output) RunUntilRunning(
        BootTarget target, string[] options, Action<Process> request, string mode = "sigterm", string marker = Running)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in target.LaunchArguments(target.Image("Probe"), options, [mode]))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var running = new ManualResetEventSlim();
        using var process = new Process { StartInfo = startInfo };
        DataReceivedEventHandler append = (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains(marker, StringComparison.Ordinal) == true)
            {
                running.Set();
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (running.Wait(TimeSpan.FromMinutes(3)))
            {
                request(process);
            }

            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                lock (output)
                {
                    output.AppendLine("<killed: no exit within 2 minutes>");
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
