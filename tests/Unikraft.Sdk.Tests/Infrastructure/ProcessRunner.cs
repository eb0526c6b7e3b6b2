// Runs a command with a timeout and captures its combined output, for tests that drive dotnet, ld or QEMU.
using System.Diagnostics;
using System.Text;

namespace Unikraft.Sdk.Tests.Infrastructure;

internal sealed record CommandResult(string CommandLine, int ExitCode, string Output)
{
    /// <summary>A description for assertion messages: the command, its exit code and its output.</summary>
    public override string ToString() => $"$ {CommandLine}\n(exit {ExitCode})\n{Output}";
}

internal static class Command
{
    /// <summary>
    /// Runs <paramref name="fileName"/>; kills it (and its children) after <paramref name="timeout"/> (default 10
    /// minutes) or when <paramref name="stop"/> is cancelled, for a server that runs until the test is done with it.
    /// </summary>
    public static CommandResult Run(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string? standardInput = null,
        CancellationToken stop = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Child builds must not inherit the test host's MSBuild or dotnet-test settings.
        foreach (string name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "VSTEST_HOST_DEBUG" })
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Write(standardInput ?? "");
        process.StandardInput.Close();
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(10));
        string? killed = null;
        while (!process.WaitForExit(200))
        {
            killed = stop.IsCancellationRequested ? "stopped by the test" : DateTime.UtcNow > deadline ? "timeout" : null;
            if (killed is not null)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                Append(output, $"<killed: {killed}>");
                break;
            }
        }

        process.WaitForExit();
        string commandLine = string.Join(' ', new[] { fileName }.Concat(startInfo.ArgumentList));
        lock (output)
        {
            return new CommandResult(commandLine, process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
