// The syscall fuzzer inside the VM (tests/apps/Probe, mode "syscall-fuzz"): the Probe calls every syscall the kernel
// implements with random and hostile arguments, among them addresses of the kernel's own code and data read from the
// image's ELF, then checks that threads, memory, files, pipes and signals still work. A kernel panic, a hang or a
// failed self-check fails the test; the seed in the output reproduces the run (UKFUZZ_SEED, UKFUZZ_SYSCALLS for a
// longer one: bench/syscall-soak.sh).
using System.Globalization;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
[TestCategory("Fuzz")]
public sealed class SyscallFuzzBootTests
{
    public static IEnumerable<object[]> Arches => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    private static string Seed => Environment.GetEnvironmentVariable("UKFUZZ_SEED") is { Length: > 0 } s ? s : "20261130";

    [TestMethod]
    [DynamicData(nameof(Arches))]
    public void GivenHostileArguments_EverySyscallAnswersAndTheKernelStillWorks(string rid)
    {
        BootTarget target = BootTarget.Of(rid);
        target.RequireHelloBoots();
        string image = target.Image("Probe");
        string calls = Environment.GetEnvironmentVariable("UKFUZZ_SYSCALLS") is { Length: > 0 } c ? c : target.IsArm64 ? "40000" : "100000";

        CommandResult result = target.Launch(image, ["--memory", "256M"], ["syscall-fuzz", Seed, calls, .. KernelAddresses(target, image + ".elf")],
            timeout: TimeSpan.FromMinutes(15));

        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"SYSCALL-FUZZ: seed {Seed}, {calls} calls over ");
        StringAssert.Contains(result.Output, "SYSCALL-FUZZ: regression munmap(arena, 1 << 63) = -1 errno 22");
        StringAssert.Contains(result.Output, "SYSCALL-FUZZ: self-check signals: ok");
        StringAssert.Contains(result.Output, "SYSCALL-FUZZ: PASS calls=");
        Assert.DoesNotContain("[uk] panic", result.Output);
    }

    /// <summary>The addresses of a kernel function, its data and its zero-filled data, from the image's ELF (hex).</summary>
    private static string[] KernelAddresses(BootTarget target, string elf)
    {
        string nm = target.IsArm64 ? "aarch64-linux-gnu-nm" : "nm";
        CommandResult symbols = Command.Run(nm, [elf]);
        Assert.AreEqual(0, symbols.ExitCode, symbols.ToString());
        string[] wanted = ["uk_syscall", "uk_stats", "uk_bootinfo"];
        string[] found = symbols.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(f => f.Length == 3 && wanted.Contains(f[2]))
            .Select(f => ulong.Parse(f[0], NumberStyles.HexNumber).ToString("x", CultureInfo.InvariantCulture))
            .ToArray();
        Assert.AreEqual(wanted.Length, found.Length, symbols.Output.Length > 0 ? $"{nm} found {found.Length} of {string.Join(", ", wanted)}" : symbols.ToString());
        return found;
    }
}
