// Finds the dotnet host running this build and publishes it as DOTNET_HOST_PATH when the CLI did not.
namespace Unikraft.Sdk.Tasks;

/// <summary>
/// `dotnet run` evaluates ComputeRunArguments in its own process without DOTNET_HOST_PATH, and the publish
/// that the run target starts needs it: ILLink's .NET task host refuses to start without it.
/// </summary>
public static class DotnetHostPath
{
    /// <summary>The variable that MSBuild's .NET task hosts read.</summary>
    public const string Variable = "DOTNET_HOST_PATH";

    /// <summary>Returns the dotnet host, setting <see cref="Variable"/> for this process when it is unset.</summary>
    public static string Ensure()
    {
        string? host = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(host))
        {
            return host;
        }

        string? process = Environment.ProcessPath;
        host = process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? process
            : ExecutableSearch.Find("dotnet") ?? "dotnet";
        if (Path.IsPathRooted(host))
        {
            Environment.SetEnvironmentVariable(Variable, host);
        }

        return host;
    }
}
