// Builds the Firecracker run of a unikraft-fc-* image from the config published next to it (<name>.fc.json).
using System.Text.Json;
using Unikraft.Sdk;

namespace Unikraft.Launcher;

/// <summary>
/// The published <c>&lt;name&gt;.fc.json</c> names the image by its file name and holds the image's default command
/// line. A run starts Firecracker with a copy made for it: the image by its absolute path (so Firecracker may
/// run anywhere), the run's command line (kernel options and program arguments, else the published one) after
/// <c>uk.walltime=</c> and the framed console's options, the <c>--disk</c> images as drives, <c>--memory</c> in MiB and, with <c>--net tap</c>, the
/// tap device as the network interface eth0 with the image's stable MAC. Firecracker has no user-mode network.
/// </summary>
public static class FirecrackerCommand
{
    /// <summary>The Firecracker binary looked for on PATH.</summary>
    public const string DefaultBinary = "firecracker";

    /// <summary>The published config of <paramref name="image"/>: <c>Hello.fc</c> → <c>Hello.fc.json</c>.</summary>
    public static string ConfigPathOf(string image) => image + ".json";

    /// <summary>
    /// Firecracker's arguments for a run with the config file <paramref name="configFile"/>: without an API server, or
    /// with one on <paramref name="apiSocket"/> (for the launcher's graceful shutdown, <see cref="FirecrackerApi"/>).
    /// </summary>
    public static IReadOnlyList<string> Arguments(string configFile, string? apiSocket = null) =>
        apiSocket is null ? ["--no-api", "--config-file", configFile] : ["--api-sock", apiSocket, "--config-file", configFile];

    /// <summary>
    /// The published command line (boot-source.boot_args; empty when absent). Throws <see cref="FormatException"/>
    /// when <paramref name="configJson"/> is not a Firecracker config.
    /// </summary>
    public static string ReadBootArgs(string configJson)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(configJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("boot-source", out JsonElement bootSource)
                || bootSource.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("it has no \"boot-source\" object");
            }

            return bootSource.TryGetProperty("boot_args", out JsonElement bootArgs) && bootArgs.ValueKind == JsonValueKind.String
                ? bootArgs.GetString()!
                : "";
        }
        catch (JsonException e)
        {
            throw new FormatException($"it is not JSON ({e.Message})", e);
        }
    }

    /// <summary>
    /// The command line of this run without <c>uk.walltime=</c>, which Firecracker and the QEMU fallback share:
    /// the run's kernel options and program arguments (with <c>console=ttyS0</c> on arm64), else the published
    /// line. Null when both are empty: the image's default command line then applies.
    /// </summary>
    public static string? CommandLine(LaunchOptions options, string publishedBootArgs)
    {
        string? run = KernelCommandLine.Build(options.KernelArgs, options.ProgramArguments);
        string line = run is null ? publishedBootArgs.Trim() : FirecrackerConfig.BootArgs(options.Architecture, run);
        return line.Length == 0 ? null : line;
    }

    /// <summary>The config text of this run (see the class summary).</summary>
    public static string BuildConfig(LaunchOptions options, string? commandLine, DateTimeOffset? wallClock, string? consoleOptions = null)
    {
        string bootArgs = commandLine ?? "";
        if (consoleOptions is not null)
        {
            bootArgs = bootArgs.Length == 0 ? consoleOptions : consoleOptions + " " + bootArgs;
        }

        if (wallClock is { } now)
        {
            long ms = now.ToUnixTimeMilliseconds();
            string walltime = $"uk.walltime={ms / 1000}.{ms % 1000:D3}";
            bootArgs = bootArgs.Length == 0 ? walltime : walltime + " " + bootArgs;
        }

        long memoryMiB = FirecrackerConfig.MebibytesOf(options.Memory)
            ?? throw new UsageException($"--memory must be whole MiB for Firecracker, not '{options.Memory}'.");
        return FirecrackerConfig.ToJson(
            Path.GetFullPath(options.Image), bootArgs, options.Disks.Select(d => (d.Path, d.ReadOnly)), memoryMiB,
            options.Network == GuestNetwork.Tap ? (options.Tap!, GuestNetwork.GuestMac(options.Image)) : null);
    }
}
