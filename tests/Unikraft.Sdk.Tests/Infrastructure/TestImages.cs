// Publishes app folders into unikernel images through the real, freshly packed SDK, once per test run (and, to
// compare with Linux itself, into native Linux executables).
using System.Collections.Concurrent;

namespace Unikraft.Sdk.Tests.Infrastructure;

/// <summary>
/// Shared by boot tests: <see cref="Publish"/> copies an app folder (e.g. samples/Hello) to a test project,
/// runs <c>dotnet publish -r &lt;rid&gt;</c> and returns the image, caching it for the rest of the run;
/// <see cref="PublishNative"/> publishes the same app as a native Linux executable of the host.
/// The runtime pack is UNIKRAFT_RUNTIME_PACK_DIR, else artifacts/runtime-packs/&lt;rid&gt; (what build.sh
/// stages), else the Unikraft.Runtime.* package from the local feed.
/// </summary>
internal static class TestImages
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Images = new();

    /// <summary>The runtime pack folder boot tests use by default for <paramref name="rid"/>, or null.</summary>
    public static string? DefaultRuntimePack(string rid)
    {
        string? fromEnvironment = System.Environment.GetEnvironmentVariable("UNIKRAFT_RUNTIME_PACK_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        string staged = Path.Combine(Repository.Artifacts, "runtime-packs", rid);
        return Directory.Exists(staged) ? staged : null;
    }

    /// <summary>
    /// Returns the image of <paramref name="appDirectory"/> published for <paramref name="rid"/> with
    /// <paramref name="properties"/> (-p: values; UnikraftRuntimePackDir defaults to <see cref="DefaultRuntimePack"/>).
    /// </summary>
    public static string Publish(string appDirectory, string rid = "unikraft-qemu-x64", IReadOnlyDictionary<string, string>? properties = null)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, string value) in properties ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        if (!values.ContainsKey("UnikraftRuntimePackDir") && DefaultRuntimePack(rid) is { } pack)
        {
            values["UnikraftRuntimePackDir"] = pack;
        }

        string key = string.Join('|', new[] { Path.GetFullPath(appDirectory), rid }.Concat(values.Select(v => $"{v.Key}={v.Value}")));
        return Images.GetOrAdd(key, _ => new Lazy<string>(() => PublishNow(appDirectory, rid, values))).Value;
    }

    /// <summary>
    /// The same app as a native Linux executable of the host (NativeAOT, linux-x64 or linux-arm64 with glibc), published
    /// once per run like bench/boot.sh does: what Linux itself does, for a unikernel's behaviour to be compared with.
    /// </summary>
    public static string PublishNative(string appDirectory)
    {
        if (!OperatingSystem.IsLinux())
        {
            Prerequisite.Unavailable("running an app natively on Linux needs a Linux host");
        }

        string rid = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64
            ? "linux-arm64" : "linux-x64";
        string key = string.Join('|', Path.GetFullPath(appDirectory), rid, "native");
        return Images.GetOrAdd(key, _ => new Lazy<string>(() => PublishNow(appDirectory, rid, new Dictionary<string, string>
        {
            ["PublishAot"] = "true",
            ["InvariantGlobalization"] = "true",
        }))).Value;
    }

    private static string PublishNow(string appDirectory, string rid, IReadOnlyDictionary<string, string> properties)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(appDirectory));
        TestProject project = TestProject.CopyOf(name, appDirectory);
        string output = Path.Combine(project.Directory, "publish");
        var arguments = new List<string> { "publish", "-r", rid, "-c", "Release", "-o", output, "-nologo" };
        arguments.AddRange(properties.Select(p => $"-p:{p.Key}={p.Value}"));
        CommandResult result = project.Dotnet([.. arguments]);
        Assert.AreEqual(0, result.ExitCode, $"Publishing {appDirectory} for {rid} failed:\n{result}");

        if (!rid.StartsWith("unikraft-", StringComparison.Ordinal))
        {
            string executable = Path.Combine(output, name);
            Assert.IsTrue(File.Exists(executable), $"Expected the native executable {executable}:\n{result}");
            return executable;
        }

        string suffix = rid.StartsWith("unikraft-fc-", StringComparison.Ordinal) ? ".fc" : ".qemu";
        string[] images = Directory.GetFiles(output).Where(f => f.EndsWith(suffix, StringComparison.Ordinal)).ToArray();
        Assert.HasCount(1, images, $"Expected one {suffix} image in {output}:\n{result}");
        return images[0];
    }
}
