// Which host tools exist (binutils, musl, QEMU); tests that need a missing one end as Inconclusive.
namespace Unikraft.Sdk.Tests.Infrastructure;

internal static class HostTools
{
    public const string MuslDirectory = "/usr/lib/x86_64-linux-musl";

    public static bool Has(string tool) => Unikraft.Sdk.ExecutableSearch.Find(tool) is not null;

    /// <summary>Marks the test Inconclusive unless every tool is on PATH.</summary>
    public static void Require(params string[] tools)
    {
        string[] missing = tools.Where(t => !Has(t)).ToArray();
        if (missing.Length > 0)
        {
            Assert.Inconclusive($"Needs {string.Join(", ", missing)} on PATH (./build.sh installs them).");
        }
    }

    /// <summary>Marks the test Inconclusive unless Debian's musl-dev is installed.</summary>
    public static void RequireMusl()
    {
        if (!File.Exists(Path.Combine(MuslDirectory, "libc.a")))
        {
            Assert.Inconclusive("Needs musl-dev (./build.sh installs it).");
        }
    }
}
