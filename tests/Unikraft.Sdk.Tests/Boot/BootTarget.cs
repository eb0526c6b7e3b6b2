// The RIDs the boot suite runs on (unikraft-{qemu,fc}-{x64,arm64}): what each needs on the host, how the launcher
// boots its images, and one shared "hello" boot per architecture that every boot test checks first, so that a
// kernel that does not boot fails each test at once with that boot's output instead of each waiting for its own
// timeout (arm64 runs under TCG, where that would cost minutes).
using System.Collections.Concurrent;

namespace Unikraft.Sdk.Tests.Boot;

internal sealed class BootTarget
{
    public const string QemuX64 = "unikraft-qemu-x64";
    public const string QemuArm64 = "unikraft-qemu-arm64";
    public const string FcX64 = "unikraft-fc-x64";
    public const string FcArm64 = "unikraft-fc-arm64";

    /// <summary>The extra category of every arm64 row: <c>dotnet test --filter TestCategory=Arm64Boot</c> runs them alone.</summary>
    public const string Arm64Category = "Arm64Boot";

    public const string Greeting = "Hello from a .NET unikernel!";

    private static readonly ConcurrentDictionary<string, Lazy<CommandResult>> HelloBoots = new();

    private BootTarget(string rid) => Rid = rid;

    public string Rid { get; }

    public bool IsArm64 => Rid.EndsWith("-arm64", StringComparison.Ordinal);

    public bool IsFirecracker => Rid.StartsWith("unikraft-fc-", StringComparison.Ordinal);

    /// <summary>The QEMU RID of the same architecture: its Probe's hello boot gates every test of this target.</summary>
    public string QemuRid => IsArm64 ? QemuArm64 : QemuX64;

    public string Qemu => IsArm64 ? "qemu-system-aarch64" : "qemu-system-x86_64";

    public string Linker => IsArm64 ? "aarch64-linux-gnu-ld" : "ld";

    /// <summary>Guest RAM unless a test passes --memory.</summary>
    public string Memory => IsArm64 ? "256M" : "128M";

    /// <summary>The hello boot of <see cref="QemuRid"/>'s Probe, run once per test run and shared.</summary>
    public CommandResult HelloBoot => HelloBoots.GetOrAdd(QemuRid, rid => new Lazy<CommandResult>(() =>
    {
        BootTarget qemu = Of(rid);
        return qemu.Launch(qemu.Image("Probe"), [], ["hello"]);
    })).Value;

    private static string LauncherPath =>
        Path.Combine(Path.GetDirectoryName(typeof(Unikraft.Launcher.LaunchOptions).Assembly.Location)!, "Unikraft.Launcher.dll");

    public static BootTarget Of(string rid) => rid switch
    {
        QemuX64 or QemuArm64 or FcX64 or FcArm64 => new BootTarget(rid),
        _ => throw new ArgumentException($"not a boot-suite RID: {rid}", nameof(rid)),
    };

    /// <summary>tests/apps/<paramref name="app"/> published for this RID with its staged pack and <paramref name="properties"/> (shared by the run).</summary>
    public string Image(string app, IReadOnlyDictionary<string, string>? properties = null)
    {
        HostTools.Require(Qemu, Linker);
        if (TestImages.DefaultRuntimePack(Rid) is not { } pack || !File.Exists(Path.Combine(pack, "pack.json")))
        {
            Prerequisite.Missing($"no staged {Rid} runtime pack (make -C runtime-packs RIDS={Rid})");
        }

        return TestImages.Publish(Repository.PathOf("tests", "apps", app), Rid, properties);
    }

    /// <summary>The launcher's arguments after <c>dotnet</c>: image, architecture, TCG and memory unless given, options, <c>--</c>, program arguments.</summary>
    public string[] LaunchArguments(string image, IReadOnlyList<string> options, IEnumerable<string> programArgs) =>
        ["exec", LauncherPath, "--image", image, .. IsArm64 ? new[] { "--arch", "arm64" } : [],
         .. options.Contains("--accel") ? [] : new[] { "--accel", "tcg" },
         .. options.Contains("--memory") ? [] : new[] { "--memory", Memory }, .. options, "--", .. programArgs];

    /// <summary>Boots <paramref name="image"/> through the launcher (no hello gate).</summary>
    public CommandResult Launch(
        string image, IReadOnlyList<string> options, IEnumerable<string> programArgs, string? standardInput = null, TimeSpan? timeout = null) =>
        Command.Run("dotnet", LaunchArguments(image, options, programArgs), timeout: timeout ?? TimeSpan.FromMinutes(2),
            standardInput: standardInput);

    /// <summary>samples/Hello (the template's program) published for this target, after the hello gate.</summary>
    public string SampleHello()
    {
        RequireHelloBoots();
        return TestImages.Publish(Repository.PathOf("samples", "Hello"), Rid);
    }

    /// <summary>Fails the test at once, with the hello boot's output, when the Probe of this architecture does not boot.</summary>
    public void RequireHelloBoots()
    {
        CommandResult hello = HelloBoot;
        if (hello.ExitCode != 0 || !hello.Output.Contains(Greeting, StringComparison.Ordinal))
        {
            Assert.Fail($"the {QemuRid} Probe does not boot, so this test was not run; the hello boot:\n{hello}");
        }
    }

    /// <summary>Boots this RID's Probe with <paramref name="programArgs"/> after the hello gate.</summary>
    public CommandResult Boot(params string[] programArgs) => Boot([], programArgs);

    /// <summary>Boots this RID's Probe with launcher <paramref name="options"/> after the hello gate.</summary>
    public CommandResult Boot(IReadOnlyList<string> options, params string[] programArgs)
    {
        RequireHelloBoots();
        return Launch(Image("Probe"), options, programArgs);
    }

    /// <summary>A data row for <paramref name="rid"/>: arm64 rows also carry <see cref="Arm64Category"/>.</summary>
    public static object[] Row<T>(string rid, T value, string? displayName = null) =>
    [
        new TestDataRow<T>(value)
        {
            DisplayName = displayName is null ? null : $"{displayName} ({rid})",
            TestCategories = rid.EndsWith("-arm64", StringComparison.Ordinal) ? [Arm64Category] : null,
        },
    ];

    /// <summary>One row per RID for a test whose only parameter is the RID.</summary>
    public static IEnumerable<object[]> Rows(params string[] rids) => rids.Select(rid => Row(rid, rid));

    public override string ToString() => Rid;
}
