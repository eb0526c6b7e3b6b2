// `dotnet new unikernel` from the freshly packed Unikraft.Templates, installed into a private template hive.
namespace Unikraft.Sdk.Tests.Integration;

[TestClass]
[TestCategory("Boot")]
public sealed class TemplateTests
{
    [TestMethod]
    public void GivenTheTemplatePackage_DotnetNewCreatesAProjectThatPinsTheSdkAndRuns()
    {
        TestProject workspace = TestProject.Create("Template", new Dictionary<string, string>());
        string hive = Path.Combine(workspace.Directory, ".template-hive");
        string output = Path.Combine(workspace.Directory, "Foo");

        CommandResult install = workspace.Dotnet("new", "install", TestSdk.TemplatePackage, "--debug:custom-hive", hive);
        CommandResult create = workspace.Dotnet("new", "unikernel", "-n", "Foo", "-o", output, "--debug:custom-hive", hive);
        CommandResult run = workspace.Dotnet("run", "--project", Path.Combine(output, "Foo.csproj"), "--", "x y");
        CommandResult uninstall = workspace.Dotnet("new", "uninstall", "Unikraft.Templates", "--debug:custom-hive", hive);

        Assert.AreEqual(0, install.ExitCode, install.ToString());
        Assert.AreEqual(0, create.ExitCode, create.ToString());
        CollectionAssert.AreEquivalent(new[] { "Foo.csproj", "Program.cs" }, Directory.GetFiles(output).Select(Path.GetFileName).ToArray());
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "Foo.csproj")), $"Sdk=\"Unikraft.Sdk/{Repository.Version}\"");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "Hello from a .NET unikernel!");
        StringAssert.Contains(run.Output, "args[0] = x y");
        Assert.AreEqual(0, uninstall.ExitCode, uninstall.ToString());
    }
}
