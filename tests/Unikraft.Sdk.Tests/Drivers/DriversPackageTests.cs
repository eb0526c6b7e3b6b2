// The Unikraft.Drivers package: what `dotnet pack` puts in it, and what its build/Unikraft.Drivers.props gives consumers.
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;

namespace Unikraft.Sdk.Tests.Drivers;

[TestClass]
[TestCategory("Unit")]
public sealed class DriversPackageTests
{
    private static readonly Lazy<string> Package = new(PackIntoThisRun);

    private static string Props => Repository.PathOf("drivers", "Unikraft.Drivers", "build", "Unikraft.Drivers.props");

    [TestMethod]
    public void GivenThePack_ThePackageHoldsTheLibraryItsDocsAndItsBuildProps()
    {
        using ZipArchive package = ZipFile.OpenRead(Package.Value);
        string[] entries = package.Entries.Select(e => e.FullName).ToArray();

        foreach (string expected in new[]
        {
            "lib/net10.0/Unikraft.Drivers.dll", "lib/net10.0/Unikraft.Drivers.xml", "README.md",
            "build/Unikraft.Drivers.props", "buildTransitive/Unikraft.Drivers.props",
        })
        {
            CollectionAssert.Contains(entries, expected, string.Join('\n', entries));
        }

        using (var reader = new StreamReader(package.GetEntry("build/Unikraft.Drivers.props")!.Open()))
        {
            Assert.AreEqual(File.ReadAllText(Props), reader.ReadToEnd());
        }

        using (var reader = new StreamReader(package.GetEntry("README.md")!.Open()))
        {
            StringAssert.StartsWith(reader.ReadToEnd(), "# Unikraft.Drivers");
        }
    }

    [TestMethod]
    public void GivenThePack_TheNuspecCarriesTheRepositoryVersionAndNoDependencies()
    {
        using ZipArchive package = ZipFile.OpenRead(Package.Value);
        using Stream nuspec = package.GetEntry("Unikraft.Drivers.nuspec")!.Open();
        XElement metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

        Assert.AreEqual("Unikraft.Drivers", Value("id"));
        Assert.AreEqual(Repository.Version, Value("version"));
        Assert.AreEqual("README.md", Value("readme"));
        StringAssert.Contains(Value("description"), "mirage-block-unikraft");
        Assert.IsFalse(metadata.Descendants().Any(e => e.Name.LocalName == "dependency"), metadata.ToString());
        Assert.AreEqual($"Unikraft.Drivers.{Repository.Version}.nupkg", Path.GetFileName(Package.Value));
    }

    [TestMethod]
    [DataRow("unikraft-qemu-x64", true)]
    [DataRow("unikraft-fc-arm64", true)]
    [DataRow("linux-x64", true)]
    [DataRow("linux-musl-arm64", true)]
    [DataRow("win-x64", false)]
    [DataRow("", false)]
    public void GivenARuntimeIdentifier_ThePropsMakeLibcADirectPInvokeForUnikraftAndLinux(string rid, bool direct)
    {
        Assert.AreEqual(direct, DirectPInvokes(rid, ridInProject: false).Contains("libc"), $"RID '{rid}' on the command line");
        Assert.AreEqual(direct, DirectPInvokes(rid, ridInProject: true).Contains("libc"), $"RID '{rid}' set in the project after the import");
    }

    /// <summary>The DirectPInvoke items of a project that imports the props (as NuGet does) and has <paramref name="rid"/>.</summary>
    private static string[] DirectPInvokes(string rid, bool ridInProject)
    {
        string folder = TestRun.Folder($"drivers-props-{(rid == "" ? "none" : rid)}-{ridInProject}");
        string project = Path.Combine(folder, "Consumer.proj");
        string property = ridInProject ? $"<PropertyGroup><RuntimeIdentifier>{rid}</RuntimeIdentifier></PropertyGroup>" : "";
        File.WriteAllText(project, $"""<Project><Import Project="{Props}" />{property}</Project>""");
        string[] arguments =
            ["msbuild", project, "-nologo", "-getItem:DirectPInvoke", .. ridInProject ? Array.Empty<string>() : [$"-p:RuntimeIdentifier={rid}"]];

        CommandResult result = Command.Run("dotnet", arguments, folder);

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        using JsonDocument json = JsonDocument.Parse(result.Output);
        return json.RootElement.GetProperty("Items").GetProperty("DirectPInvoke").EnumerateArray()
            .Select(item => item.GetProperty("Identity").GetString()!).ToArray();
    }

    /// <summary>
    /// Packs drivers/Unikraft.Drivers into a folder of this run, as build.sh packs it into artifacts/packages
    /// (not there: the local feed is build.sh's).
    /// </summary>
    private static string PackIntoThisRun()
    {
        string output = TestRun.Folder("drivers-package");
        CommandResult result = Command.Run(
            "dotnet", ["pack", Repository.PathOf("drivers", "Unikraft.Drivers", "Unikraft.Drivers.csproj"), "-c", "Release", "-o", output, "-nologo"],
            Repository.Root);
        Assert.AreEqual(0, result.ExitCode, $"Packing Unikraft.Drivers failed:\n{result}");
        string[] packages = Directory.GetFiles(output, "*.nupkg");
        Assert.HasCount(1, packages, result.ToString());
        return packages[0];
    }
}
