// The kernel core's source rules, checked on every test run: its layering (runtime-packs/kernel/layers.txt,
// enforced by check-kernel-layers.sh, which must also catch a violation), and its formatting (.clang-format).
namespace Unikraft.Sdk.Tests.Kernel;

[TestClass]
[TestCategory("Unit")]
public sealed class KernelSourceTests
{
    private static string Checker => Repository.PathOf("runtime-packs", "check-kernel-layers.sh");

    [TestMethod]
    public void GivenTheKernelSources_TheyFollowTheLayering()
    {
        CommandResult result = Command.Run("bash", [Checker, Repository.Root]);
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "follow runtime-packs/kernel/layers.txt");
    }

    [TestMethod]
    [DataRow("lib/mm/pmm.c", "#include <uk/fd.h>", "lib/mm includes <uk/fd.h> of lib/fd, a higher layer")]
    [DataRow("lib/sched/sched.c", "#include <uk/signal.h>", "lib/sched includes <uk/signal.h> of lib/signal, a higher layer")]
    [DataRow("lib/mm/pmm.c", "#include <lwip/tcp.h>", "lib/mm includes <lwip/tcp.h> of lib/lwip, a higher layer")]
    [DataRow("lib/vfs/vfs.c", "long uk_fd_close(long fd);", "declares something of another file")]
    [DataRow("lib/fd/poll.c", "extern int uk_loglevel;", "declares something of another file")]
    [DataRow("lib/newlib/new.c", "#include <uk/types.h>", "belongs to no library of layers.txt")]
    public void GivenAViolation_TheCheckerNamesItAndFails(string file, string line, string message)
    {
        // One bad line in the shared copy of the kernel sources, taken out again afterwards.
        string root = SourceCopy.Value;
        string target = Path.Combine(root, "runtime-packs", "kernel", file);
        string? original = File.Exists(target) ? File.ReadAllText(target) : null;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (original is not null)
        {
            int at = original.IndexOf('\n', original.IndexOf("#include", StringComparison.Ordinal)) + 1;
            File.WriteAllText(target, original[..at] + line + "\n" + original[at..]);
        }
        else
        {
            File.WriteAllText(target, $"/* new.c - a file of no library. */\n{line}\n");
        }

        try
        {
            CommandResult result = Command.Run("bash", [Checker, root]);
            Assert.AreEqual(1, result.ExitCode, result.ToString());
            StringAssert.Contains(result.Output, $"runtime-packs/kernel/{file}:");
            StringAssert.Contains(result.Output, message);
        }
        finally
        {
            if (original is null)
            {
                File.Delete(target);
            }
            else
            {
                File.WriteAllText(target, original);
            }
        }
    }

    /// <summary>A copy of the kernel sources (kernel and drivers) the violation cases edit one line of.</summary>
    private static readonly Lazy<string> SourceCopy = new(() =>
    {
        string root = TestRun.Folder("layers");
        CopyTree(Repository.PathOf("runtime-packs", "kernel"), Path.Combine(root, "runtime-packs", "kernel"));
        CopyTree(Repository.PathOf("drivers"), Path.Combine(root, "drivers"));
        return root;
    });

    [TestMethod]
    public void GivenTheKernelSources_TheyAreFormattedAsDotClangFormatSays()
    {
        if (!HostTools.Has("clang-format"))
        {
            Prerequisite.Missing("Needs clang-format (./build.sh --test installs it).");
        }

        string[] files = [.. new[] { Repository.PathOf("runtime-packs", "kernel"), Repository.PathOf("drivers") }
            .SelectMany(d => Directory.EnumerateFiles(d, "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".c", StringComparison.Ordinal) || f.EndsWith(".h", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
        Assert.IsTrue(files.Length > 50, $"only {files.Length} kernel sources found");
        CommandResult result = Command.Run("clang-format", ["--dry-run", "--Werror", "--style=file", .. files]);
        Assert.AreEqual(0, result.ExitCode, "run clang-format -i on the files named below\n" + result);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest, overwrite: true);
        }
    }
}
