// Runs a tool with an argument list and collects its output lines (stdout and stderr apart).
using System.Diagnostics;

namespace Unikraft.Sdk.Tasks;

/// <summary>The outcome of <see cref="ProcessRunner.Run"/>.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="StandardOutput">The lines written to stdout.</param>
/// <param name="StandardError">The lines written to stderr.</param>
public sealed record ProcessResult(int ExitCode, IReadOnlyList<string> StandardOutput, IReadOnlyList<string> StandardError);

/// <summary>Starts a process without a shell, so arguments need no quoting.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="fileName"/> to completion (in <paramref name="workingDirectory"/> when given).</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new List<string>();
        var error = new List<string>();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Add(output, e.Data);
        process.ErrorDataReceived += (_, e) => Add(error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        lock (output)
        {
            lock (error)
            {
                return new ProcessResult(process.ExitCode, [.. output], [.. error]);
            }
        }
    }

    private static void Add(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
