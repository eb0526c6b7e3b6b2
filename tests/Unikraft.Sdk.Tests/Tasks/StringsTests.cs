// Keeps the coded messages of Strings.resx unique, well-formed, used by the tasks and documented.
using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed partial class StringsTests
{
    private static Dictionary<string, string> Messages()
    {
        ResourceSet set = Strings.ResourceManager.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true)!;
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    [TestMethod]
    public void GivenTheResources_EachMessageStartsWithACode()
    {
        foreach ((string name, string text) in Messages())
        {
            Assert.IsTrue(CodePattern().IsMatch(text), $"{name} does not start with 'UKSDKnnnn: ': {text}");
        }
    }

    [TestMethod]
    public void GivenTheResources_NoTwoMessagesShareACode()
    {
        var duplicates = Messages().GroupBy(m => m.Value[..9]).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.IsEmpty(duplicates, "Duplicate codes: " + string.Join(", ", duplicates));
    }

    [TestMethod]
    public void GivenTheAccessor_ItHasExactlyOnePropertyPerMessage()
    {
        string[] properties = typeof(Strings).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(p => p.PropertyType == typeof(string)).Select(p => p.Name).Order().ToArray();
        CollectionAssert.AreEqual(Messages().Keys.Order().ToArray(), properties);
        Assert.IsTrue(properties.All(p => ((string)typeof(Strings).GetProperty(p)!.GetValue(null)!).StartsWith("UKSDK", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void GivenTheTaskSources_EachMessageIsUsed()
    {
        string sources = string.Concat(Directory.GetFiles(Repository.PathOf("tasks", "Unikraft.Sdk.Tasks"), "*.cs").Select(File.ReadAllText));
        string[] unused = Messages().Keys.Where(name => !sources.Contains($"nameof(Strings.{name})", StringComparison.Ordinal)).ToArray();
        Assert.IsEmpty(unused, "Messages no task uses: " + string.Join(", ", unused));
    }

    [TestMethod]
    public void GivenTheSdkReadme_EachCodeIsDocumented()
    {
        string readme = File.ReadAllText(Repository.PathOf("sdk", "Unikraft.Sdk", "README.md"));
        string[] missing = Messages().Values.Select(v => v[..9]).Where(code => !readme.Contains(code, StringComparison.Ordinal)).ToArray();
        Assert.IsEmpty(missing, "Codes missing from sdk/Unikraft.Sdk/README.md: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void GivenTheLauncherMessages_EachHasAUniqueCodeOutsideTheTaskRange()
    {
        string[] codes = Unikraft.Launcher.LauncherMessages.All.Select(m => m[..9]).ToArray();
        Assert.IsTrue(Unikraft.Launcher.LauncherMessages.All.All(m => CodePattern().IsMatch(m)));
        Assert.HasCount(codes.Length, codes.Distinct());
        Assert.IsFalse(codes.Intersect(Messages().Values.Select(v => v[..9])).Any());
    }

    [TestMethod]
    public void GivenAnExceptionInATask_ItBecomesTheCodedErrorUKSDK1099()
    {
        var task = new ThrowingTask();
        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);
        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1099", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, "boom");
    }

    [GeneratedRegex("^UKSDK[0-9]{4}: ")]
    private static partial Regex CodePattern();

    private sealed class ThrowingTask : UnikraftTask
    {
        protected override void ExecuteCore() => throw new InvalidOperationException("boom");
    }
}
