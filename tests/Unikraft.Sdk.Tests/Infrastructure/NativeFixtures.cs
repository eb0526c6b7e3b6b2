// Builds real ELF files for tests with the host's binutils: objects, archives and linked images.
namespace Unikraft.Sdk.Tests.Infrastructure;

internal static class NativeFixtures
{
    /// <summary>The test's source folder of assembly fixtures (copied next to the test assembly).</summary>
    public static string FixtureSource(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>A new empty folder under artifacts/test/fixtures/.</summary>
    public static string NewFolder(string name)
    {
        string folder = Path.Combine(TestRun.Folder("fixtures"), $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Assembles <paramref name="source"/> (text) into an x86_64 object.</summary>
    public static string AssembleText(string folder, string name, string source, params string[] defines)
    {
        string path = Path.Combine(folder, name + ".S");
        File.WriteAllText(path, source);
        return Assemble(path, Path.Combine(folder, name + ".o"), defines);
    }

    /// <summary>Assembles the file <paramref name="sourcePath"/> with <c>as --64</c> and --defsym NAME=1 per define.</summary>
    public static string Assemble(string sourcePath, string objectPath, params string[] defines)
    {
        HostTools.Require("as");
        var arguments = new List<string> { "--64" };
        foreach (string define in defines)
        {
            arguments.AddRange(["--defsym", define + "=1"]);
        }

        arguments.AddRange([sourcePath, "-o", objectPath]);
        Check(Command.Run("as", arguments));
        return objectPath;
    }

    /// <summary>Links x86_64 objects with <c>ld</c> (extra arguments first, e.g. -T script).</summary>
    public static string Link(string output, IEnumerable<string> arguments)
    {
        HostTools.Require("ld");
        Check(Command.Run("ld", new[] { "-m", "elf_x86_64", "-o", output }.Concat(arguments)));
        return output;
    }

    /// <summary>Assembles <paramref name="source"/> (text) into an AArch64 object with the cross binutils.</summary>
    public static string AssembleAArch64(string folder, string name, string source)
    {
        HostTools.Require("aarch64-linux-gnu-as");
        string path = Path.Combine(folder, name + ".S");
        File.WriteAllText(path, source);
        string obj = Path.Combine(folder, name + ".o");
        Check(Command.Run("aarch64-linux-gnu-as", [path, "-o", obj]));
        return obj;
    }

    /// <summary>Links AArch64 objects with <c>aarch64-linux-gnu-ld</c> (extra arguments first, e.g. -T script).</summary>
    public static string LinkAArch64(string output, IEnumerable<string> arguments)
    {
        HostTools.Require("aarch64-linux-gnu-ld");
        Check(Command.Run("aarch64-linux-gnu-ld", new[] { "-m", "aarch64linux", "-o", output }.Concat(arguments)));
        return output;
    }

    /// <summary>Creates a static archive holding <paramref name="objects"/> (none makes an empty archive).</summary>
    public static string Archive(string output, params string[] objects)
    {
        HostTools.Require("ar");
        File.Delete(output);
        Check(Command.Run("ar", new[] { "rcs", output }.Concat(objects)));
        return output;
    }

    /// <summary>Builds the PVH test kernel (Fixtures/pvh-kernel.S) in a mode: null, "PANIC" or "SILENT".</summary>
    public static string PvhKernel(string folder, string? mode = null)
    {
        string name = "pvh-kernel" + (mode is null ? "" : "-" + mode.ToLowerInvariant());
        string obj = Assemble(FixtureSource("pvh-kernel.S"), Path.Combine(folder, name + ".o"), mode is null ? [] : [mode]);
        return Link(Path.Combine(folder, name + ".elf"), ["-T", FixtureSource("pvh-kernel.ld"), obj]);
    }

    private static void Check(CommandResult result)
    {
        if (result.ExitCode != 0)
        {
            Assert.Fail($"Building a fixture failed:\n{result}");
        }
    }
}
