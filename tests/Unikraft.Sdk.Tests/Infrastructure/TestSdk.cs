// Packs the SDK, templates and drivers from this checkout (once per test run) into the local feed, and gives test
// projects an isolated NuGet cache so that a re-pack of the same version is never shadowed by a stale copy.
namespace Unikraft.Sdk.Tests.Infrastructure;

internal static class TestSdk
{
    private static readonly Lazy<bool> Packed = new(PackAndClean);

    /// <summary>The global packages folder of test projects (artifacts/test/packages).</summary>
    public static string PackagesFolder => Path.Combine(Repository.Artifacts, "test", "packages");

    /// <summary>Unikraft.Templates' package in the local feed.</summary>
    public static string TemplatePackage => Path.Combine(Repository.PackageFeed, $"Unikraft.Templates.{Repository.Version}.nupkg");

    /// <summary>The environment of child dotnet processes: no inherited NuGet cache override.</summary>
    public static IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>
    {
        ["NUGET_PACKAGES"] = null,
        ["UNIKRAFT_VERBOSE"] = null,
    };

    /// <summary>Packs Unikraft.Sdk, Unikraft.Templates and Unikraft.Drivers (the template references it) once per test run.</summary>
    public static void EnsurePacked() => _ = Packed.Value;

    private static bool PackAndClean()
    {
        foreach (string project in new[] { "sdk/Unikraft.Sdk/Unikraft.Sdk.csproj", "templates/Unikraft.Templates/Unikraft.Templates.csproj", "drivers/Unikraft.Drivers/Unikraft.Drivers.csproj" })
        {
            CommandResult result = Command.Run(
                "dotnet", ["pack", Repository.PathOf(project), "-c", "Release", "-o", Repository.PackageFeed, "-nologo"],
                Repository.Root);
            Assert.AreEqual(0, result.ExitCode, $"Packing {project} failed:\n{result}");
        }

        // Our packages of this version, restored by an earlier run, would win over the fresh ones.
        if (Directory.Exists(PackagesFolder))
        {
            foreach (string stale in Directory.EnumerateDirectories(PackagesFolder, "unikraft.*"))
            {
                Directory.Delete(stale, recursive: true);
            }
        }

        return true;
    }
}
