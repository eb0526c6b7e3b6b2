// The version is set once (Directory.Build.props); the files that must repeat it are checked here.
using System.Text.Json.Nodes;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
public sealed class RepositoryVersionTests
{
    [TestMethod]
    public void GivenTheSamplesGlobalJson_ItPinsUnikraftSdkToTheRepositoryVersion()
    {
        JsonNode json = JsonNode.Parse(File.ReadAllText(Repository.PathOf("samples", "global.json")))!;
        Assert.AreEqual(Repository.Version, json["msbuild-sdks"]!["Unikraft.Sdk"]!.GetValue<string>());
    }

    [TestMethod]
    public void GivenTheTemplateProject_ItCarriesTheVersionPlaceholder()
    {
        string project = File.ReadAllText(Repository.PathOf("templates", "Unikraft.Templates", "content", "unikernel", "UnikernelApp1.csproj"));
        StringAssert.Contains(project, "Sdk=\"Unikraft.Sdk/UNIKRAFT_SDK_VERSION\"");
    }
}
