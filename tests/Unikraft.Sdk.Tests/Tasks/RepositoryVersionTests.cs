// The version is set once (Directory.Build.props); the files that must repeat it are checked here.
using System.Text.Json.Nodes;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class RepositoryVersionTests
{
    [TestMethod]
    [DataRow("samples")]
    [DataRow("bench")]
    [DataRow("tests/apps")]
    public void GivenAnAppFoldersGlobalJson_ItPinsUnikraftSdkToTheRepositoryVersion(string folder)
    {
        JsonNode json = JsonNode.Parse(File.ReadAllText(Repository.PathOf([.. folder.Split('/'), "global.json"])))!;
        Assert.AreEqual(Repository.Version, json["msbuild-sdks"]!["Unikraft.Sdk"]!.GetValue<string>());
    }

    [TestMethod]
    public void GivenTheTemplateProject_ItCarriesTheVersionPlaceholder()
    {
        string project = File.ReadAllText(Repository.PathOf("templates", "Unikraft.Templates", "content", "unikernel", "UnikernelApp1.csproj"));
        StringAssert.Contains(project, "Sdk=\"Unikraft.Sdk/UNIKRAFT_SDK_VERSION\"");
    }
}
