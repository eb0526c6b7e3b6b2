// What a test does when something it needs is absent. Outside CI it ends Inconclusive and says how to get
// it; in CI (CI=true) a missing tool or pack is a broken install step, so the test fails: a green run must
// never hide behind skipped tests. Only what no registry here serves (a firecracker binary, hardware KVM)
// may skip in CI, through Unavailable.
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Unikraft.Sdk.Tests.Infrastructure;

internal static class Prerequisite
{
    /// <summary>True when the CI environment variable says so (CI=true, as .ci/run's caller sets it).</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Something build.sh installs or builds is missing: Inconclusive locally, a failure in CI.</summary>
    [DoesNotReturn]
    public static void Missing(string what)
    {
        if (InCi)
        {
            Assert.Fail($"{what} — in CI this is a broken install step of build.sh, not a reason to skip.");
        }

        Assert.Inconclusive(what);
        throw new UnreachableException();
    }

    /// <summary>Something no registry of this machine serves (a firecracker binary, hardware KVM): always Inconclusive.</summary>
    [DoesNotReturn]
    public static void Unavailable(string what)
    {
        Assert.Inconclusive(what);
        throw new UnreachableException();
    }
}
