// KernelCommandLine and WordSplitter: how arguments reach the kernel and how UnikraftQemuArgs is split.
using Unikraft.Launcher;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Unit")]
public sealed class KernelCommandLineTests
{
    [TestMethod]
    public void GivenKernelOptionsAndArguments_ItSeparatesThemWithDoubleDash() =>
        Assert.AreEqual("env.A=b uk.log=debug -- a b", KernelCommandLine.Build(" env.A=b uk.log=debug ", ["a", "b"]));

    [TestMethod]
    public void GivenArgumentsWithBlanksOrEmpty_ItWrapsThemInDoubleQuotes() =>
        Assert.AreEqual("-- \"hello world\" \"\" \"tab\there\" x", KernelCommandLine.Build("", ["hello world", "", "tab\there", "x"]));

    [TestMethod]
    public void GivenOnlyKernelOptions_ItOmitsTheSeparator() =>
        Assert.AreEqual("uk.log=info", KernelCommandLine.Build("uk.log=info", []));

    [TestMethod]
    public void GivenNothing_ItReturnsNullSoTheDefaultCommandLineApplies() =>
        Assert.IsNull(KernelCommandLine.Build("  ", []));

    [TestMethod]
    [DataRow("", new string[0])]
    [DataRow("-smp 2", new[] { "-smp", "2" })]
    [DataRow("  -d   int ", new[] { "-d", "int" })]
    [DataRow("-name 'my vm' -x \"a \\\"b\\\"\"", new[] { "-name", "my vm", "-x", "a \"b\"" })]
    [DataRow("a\\ b c''", new[] { "a b", "c" })]
    public void GivenQemuArgsText_ItSplitsLikeAShell(string text, string[] expected) =>
        CollectionAssert.AreEqual(expected, WordSplitter.Split(text).ToArray());

    [TestMethod]
    public void GivenAnUnclosedQuote_ItThrowsAUsageError() =>
        Assert.ThrowsExactly<UsageException>(() => WordSplitter.Split("-name 'oops"));
}
