// A runtime pack built from test parts instead of the kernel: the PVH test kernel as libukcore.a, Debian's
// musl and libgcc, and ld's default script. Its images run on the Linux host and also boot the test kernel.
namespace Unikraft.Sdk.Tests.Infrastructure;

internal static class FakeRuntimePack
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<string>> Folders = new();

    /// <summary>The unikraft-qemu-x64 pack's native folder (flat layout, like make -C runtime-packs stages it).</summary>
    public static string Directory => ForRid("unikraft-qemu-x64");

    /// <summary>The same x86_64 pack, with pack.json naming <paramref name="rid"/>.</summary>
    public static string ForRid(string rid)
    {
        HostTools.Require("as", "ld", "ar", "gcc", "musl-gcc");
        HostTools.RequireMusl();
        return Folders.GetOrAdd(rid, r => new Lazy<string>(() => Build(r))).Value;
    }

    /// <summary>
    /// An arm64 pack for <paramref name="rid"/> (unikraft-qemu-arm64 or unikraft-fc-arm64) without a kernel: an empty
    /// .uk.appinfo as libukcore.a, Debian's musl-dev:arm64, the cross gcc's libgcc and crtbeginT.o/crtend.o, and
    /// ld's default script. Its images are Linux arm64 programs: their .elf runs under qemu-aarch64(-static).
    /// </summary>
    public static string ForArm64(string rid)
    {
        HostTools.RequireArm64Toolchain();
        return Folders.GetOrAdd(rid, r => new Lazy<string>(() => BuildArm64(r))).Value;
    }

    private static string BuildArm64(string rid)
    {
        string folder = Path.Combine(TestRun.Folder("fake-packs"), rid);
        if (System.IO.Directory.Exists(folder))
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }

        System.IO.Directory.CreateDirectory(folder);
        string appInfo = NativeFixtures.AssembleAArch64(folder, "appinfo", """
                    .section .uk.appinfo, "a"
                    .fill 2304, 1, 0
            """);
        Check(Command.Run("aarch64-linux-gnu-ar", ["rcs", Path.Combine(folder, "libukcore.a"), appInfo]));

        string source = Repository.PathOf("runtime-packs", "compat", "glibc_compat.c");
        string compat = Path.Combine(folder, "glibc_compat.o");
        string gccInclude = Command.Run("aarch64-linux-gnu-gcc", ["-print-file-name=include"]).Output.Trim();
        Check(Command.Run("aarch64-linux-gnu-gcc", ["-O2", "-fno-pie", "-nostdinc", "-isystem", "/usr/include/aarch64-linux-musl",
            "-isystem", gccInclude, "-c", source, "-o", compat]));
        Check(Command.Run("aarch64-linux-gnu-ar", ["rcs", Path.Combine(folder, "libukcompat.a"), compat]));

        foreach (string file in new[] { "crt1.o", "crti.o", "crtn.o", "libc.a" })
        {
            File.Copy(Path.Combine(HostTools.MuslArm64Directory, file), Path.Combine(folder, file));
        }

        foreach (string file in new[] { "libgcc.a", "libgcc_eh.a", "crtbeginT.o", "crtend.o" })
        {
            File.Copy(Command.Run("aarch64-linux-gnu-gcc", [$"-print-file-name={file}"]).Output.Trim(), Path.Combine(folder, file));
        }

        // OpenSSL for arm64 (build-openssl.sh … arm64), when this checkout built it: the crypto shim links statically.
        string openSsl = Path.Combine(Repository.Artifacts, "openssl", "arm64");
        if (File.Exists(Path.Combine(openSsl, "openssl.json")))
        {
            foreach (string file in System.IO.Directory.GetFiles(openSsl))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }
        }

        File.WriteAllText(Path.Combine(folder, "unikraft.ld"), LinkerScript("aarch64-linux-gnu-ld", withPvhNote: false));
        string backend = rid.Split('-')[1];
        File.WriteAllText(Path.Combine(folder, "pack.json"), $$"""
            {"rid":"{{rid}}","arch":"arm64","backend":"{{backend}}","imageSuffix":".{{backend}}","ldEmulation":"aarch64linux","qemu":"qemu-system-aarch64","defaultMachine":"virt","linker":"aarch64-linux-gnu-ld","imageFormat":"arm64-image"}
            """);
        return folder;
    }

    private static void Check(CommandResult result) => Assert.AreEqual(0, result.ExitCode, result.ToString());

    private static string Build(string rid)
    {
        string folder = Path.Combine(TestRun.Folder("fake-packs"), rid);
        if (System.IO.Directory.Exists(folder))
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }

        System.IO.Directory.CreateDirectory(folder);
        string kernel = NativeFixtures.Assemble(
            NativeFixtures.FixtureSource("pvh-kernel.S"), Path.Combine(folder, "pvh-kernel.o"));
        string appInfo = NativeFixtures.AssembleText(folder, "appinfo", """
                    .section .uk.appinfo, "a"
                    .fill 2304, 1, 0
            """);
        NativeFixtures.Archive(Path.Combine(folder, "libukcore.a"), kernel, appInfo);
        NativeFixtures.Archive(Path.Combine(folder, "libukcompat.a"), CompileCompat(folder));

        foreach (string file in new[] { "crt1.o", "crti.o", "crtn.o", "libc.a" })
        {
            File.Copy(Path.Combine(HostTools.MuslDirectory, file), Path.Combine(folder, file));
        }

        foreach (string file in new[] { "libgcc.a", "libgcc_eh.a" })
        {
            File.Copy(Command.Run("gcc", [$"-print-file-name={file}"]).Output.Trim(), Path.Combine(folder, file));
        }

        File.WriteAllText(Path.Combine(folder, "unikraft.ld"), LinkerScript("ld", withPvhNote: true));
        File.WriteAllText(Path.Combine(folder, "pack.json"), $$"""
            {"rid":"{{rid}}","arch":"x86_64","backend":"qemu","imageSuffix":".qemu","ldEmulation":"elf_x86_64","qemu":"qemu-system-x86_64","defaultMachine":"microvm"}
            """);
        return folder;
    }

    // The glibc shim of the real packs when the checkout has it; it is what the NativeAOT archives need.
    private static string CompileCompat(string folder)
    {
        string source = Repository.PathOf("runtime-packs", "compat", "glibc_compat.c");
        if (!File.Exists(source))
        {
            Prerequisite.Missing($"Needs {source}.");
        }

        string obj = Path.Combine(folder, "glibc_compat.o");
        CommandResult result = Command.Run("musl-gcc", ["-O2", "-c", source, "-o", obj]);
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        return obj;
    }

    // ld's own default script, plus KEEP for what --gc-sections would drop: the app info, the PVH note and code.
    private static string LinkerScript(string linker, bool withPvhNote)
    {
        string verbose = Command.Run(linker, ["--verbose"]).Output;
        string[] lines = verbose.Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith("=====", StringComparison.Ordinal)) + 1;
        int end = Array.FindIndex(lines, start, l => l.StartsWith("=====", StringComparison.Ordinal));
        string script = string.Join('\n', lines[start..end]);
        const string anchor = "  .rodata         :";
        Assert.IsTrue(script.Contains(anchor, StringComparison.Ordinal), "ld's default script has no .rodata line.");
        return script.Replace(anchor,
            (withPvhNote ? "  .note.pvh : { KEEP(*(.note.pvh)) }\n" : "") +
            "  .uk.appinfo : { KEEP(*(.uk.appinfo)) }\n" +
            "  .uk.text : { KEEP(*(.uk.text)) }\n" +
            "  .uk.rodata : { KEEP(*(.uk.rodata)) }\n" + anchor, StringComparison.Ordinal);
    }
}
