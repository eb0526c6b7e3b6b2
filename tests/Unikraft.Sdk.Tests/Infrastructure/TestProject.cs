// A project folder under artifacts/test/projects that consumes the freshly packed SDK like a user's project.
namespace Unikraft.Sdk.Tests.Infrastructure;

internal sealed class TestProject
{
    private TestProject(string directory) => Directory = directory;

    /// <summary>The project folder.</summary>
    public string Directory { get; }

    /// <summary>
    /// Creates the folder with NuGet.config (local feed + nuget.org, isolated cache), global.json (pins
    /// Unikraft.Sdk to this build's version) and empty Directory.Build.props/targets (no repository settings).
    /// </summary>
    public static TestProject Create(string name, IReadOnlyDictionary<string, string> files)
    {
        TestSdk.EnsurePacked();
        string directory = Path.Combine(TestRun.Folder("projects"), $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{TestSdk.PackagesFolder}" />
              </config>
              <packageSources>
                <clear />
                <add key="unikraft-local" value="{Repository.PackageFeed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "global.json"), $$"""
            {
              "sdk": { "version": "10.0.401", "rollForward": "latestFeature" },
              "msbuild-sdks": { "Unikraft.Sdk": "{{Repository.Version}}" }
            }
            """);
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />\n");
        foreach ((string path, string text) in files)
        {
            string full = Path.Combine(directory, path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        return new TestProject(directory);
    }

    /// <summary>A copy of the app in <paramref name="sourceDirectory"/> (sources and project, no bin/obj).</summary>
    public static TestProject CopyOf(string name, string sourceDirectory)
    {
        var files = System.IO.Directory.EnumerateFiles(sourceDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(sourceDirectory, f))
            .Where(f => !f.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToDictionary(f => f, f => File.ReadAllText(Path.Combine(sourceDirectory, f)));
        return Create(name, files);
    }

    /// <summary>A console project using Unikraft.Sdk with the given Program.cs and extra properties.</summary>
    public static TestProject Console(string name, string program, string properties = "") =>
        Create(name, new Dictionary<string, string>
        {
            [$"{name}.csproj"] = $"""
                <Project Sdk="Unikraft.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    {properties}
                  </PropertyGroup>
                </Project>
                """,
            ["Program.cs"] = program,
        });

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in the project folder.</summary>
    public CommandResult Dotnet(params string[] arguments) =>
        Command.Run("dotnet", arguments, Directory, TestSdk.Environment);
}
