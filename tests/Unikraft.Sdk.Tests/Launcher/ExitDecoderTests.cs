// ExitDecoder: the exit protocol of docs/runtime-pack.md, including every fallback.
using Unikraft.Launcher;

namespace Unikraft.Sdk.Tests.Launcher;

[TestClass]
[TestCategory("Unit")]
public sealed class ExitDecoderTests
{
    [TestMethod]
    [DataRow("exit 0\n", 1, 0)]
    [DataRow("exit 3\n", 7, 3)]
    [DataRow("exit 200\n", 255, 200)]
    [DataRow("exit 137", 255, 137)]
    public void GivenAnExitLine_ItReturnsItsCodeWhateverTheStatus(string control, int status, int expected)
    {
        ExitOutcome outcome = ExitDecoder.DecodeDebugExit(control, status);
        Assert.AreEqual(expected, outcome.ExitCode);
        Assert.IsNull(outcome.Message);
    }

    [TestMethod]
    public void GivenAPanicLine_ItReturns255AndPointsAtTheReport()
    {
        ExitOutcome outcome = ExitDecoder.DecodeDebugExit("panic\n", 255);
        Assert.AreEqual(255, outcome.ExitCode);
        Assert.AreEqual("unikernel panicked (see the report above)", outcome.Message);
    }

    [TestMethod]
    public void GivenSeveralLines_TheLastMeaningfulOneWins() =>
        Assert.AreEqual(5, ExitDecoder.DecodeDebugExit("noise\nexit 4\nexit 5\n\n", 11).ExitCode);

    [TestMethod]
    [DataRow(null, 85, 42)]
    [DataRow("", 3, 1)]
    [DataRow("garbage\n", 255, 127)]
    public void GivenNoControlLine_AnOddStatusIsDecoded(string? control, int status, int expected) =>
        Assert.AreEqual(expected, ExitDecoder.DecodeDebugExit(control, status).ExitCode);

    [TestMethod]
    [DataRow(0)]
    [DataRow(2)]
    public void GivenAnEvenStatusWithoutControlLine_ItReportsTheVmStopped(int status)
    {
        ExitOutcome outcome = ExitDecoder.DecodeDebugExit(null, status);
        Assert.AreEqual(1, outcome.ExitCode);
        Assert.AreEqual("VM stopped without reporting an exit code", outcome.Message);
    }

    [TestMethod]
    public void GivenStatusOneWithoutControlLine_ItBlamesQemuInsteadOfReportingSuccess()
    {
        ExitOutcome outcome = ExitDecoder.DecodeDebugExit(null, 1);
        Assert.AreEqual(1, outcome.ExitCode);
        StringAssert.Contains(outcome.Message, "QEMU exited with status 1");
    }

    [TestMethod]
    public void GivenAnOutOfRangeExitLine_ItFallsBackToTheStatus() =>
        Assert.AreEqual(9, ExitDecoder.DecodeDebugExit("exit 999\n", 19).ExitCode);

    [TestMethod]
    public void GivenArm64Semihosting_TheStatusIsTheCode() =>
        Assert.AreEqual(3, ExitDecoder.DecodeSemihosting(3).ExitCode);
}
