// Which host tools exist (binutils, musl, QEMU); a test that needs a missing one ends Inconclusive (fails in CI).
namespace Unikraft.Sdk.Tests.Infrastructure;

internal static class HostTools
{
    public const string MuslDirectory = "/usr/lib/x86_64-linux-musl";

    /// <summary>Debian's musl-dev:arm64.</summary>
    public const string MuslArm64Directory = "/usr/lib/aarch64-linux-musl";

    public static bool Has(string tool) => Unikraft.Sdk.ExecutableSearch.Find(tool) is not null;

    /// <summary>Marks the test Inconclusive unless every tool is on PATH.</summary>
    public static void Require(params string[] tools)
    {
        string[] missing = tools.Where(t => !Has(t)).ToArray();
        if (missing.Length > 0)
        {
            Prerequisite.Missing($"Needs {string.Join(", ", missing)} on PATH (./build.sh installs them).");
        }
    }

    /// <summary>Marks the test Inconclusive unless the arm64 cross toolchain and musl-dev:arm64 are installed.</summary>
    public static void RequireArm64Toolchain()
    {
        Require("aarch64-linux-gnu-as", "aarch64-linux-gnu-ld", "aarch64-linux-gnu-ar", "aarch64-linux-gnu-gcc");
        if (!File.Exists(Path.Combine(MuslArm64Directory, "libc.a")))
        {
            Prerequisite.Missing("Needs musl-dev:arm64 (./build.sh installs it).");
        }
    }

    /// <summary>Marks the test Inconclusive unless Debian's musl-dev is installed.</summary>
    public static void RequireMusl()
    {
        if (!File.Exists(Path.Combine(MuslDirectory, "libc.a")))
        {
            Prerequisite.Missing("Needs musl-dev (./build.sh installs it).");
        }
    }
}
