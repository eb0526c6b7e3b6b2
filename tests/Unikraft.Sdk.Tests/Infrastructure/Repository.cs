// Locations inside the repository checkout and its version, for tests that build or read real files.
using System.Xml.Linq;

namespace Unikraft.Sdk.Tests.Infrastructure;

internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder that holds Unikraft.Sdk.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary>artifacts/ under the root (build outputs, never committed).</summary>
    public static string Artifacts => Path.Combine(Root, "artifacts");

    /// <summary>The local NuGet feed that build.sh and the tests pack into.</summary>
    public static string PackageFeed => Path.Combine(Artifacts, "packages");

    /// <summary>The version of every Unikraft package (Directory.Build.props).</summary>
    public static string Version { get; } = ReadVersion();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "Unikraft.Sdk.sln")) && File.Exists(Path.Combine(dir, "Directory.Build.props")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException($"No repository root above {AppContext.BaseDirectory}.");
    }

    private static string ReadVersion() =>
        XDocument.Load(Path.Combine(Root, "Directory.Build.props"))
            .Descendants("UnikraftVersion").Single().Value.Trim();
}
