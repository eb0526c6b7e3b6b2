// The folder of this test run (artifacts/test/runs/<time>-<pid>), so that concurrent runs never share files;
// runs older than a day are removed when a new one starts.
namespace Unikraft.Sdk.Tests.Infrastructure;

[TestClass]
public static class TestRun
{
    private static readonly Lazy<string> RunFolder = new(() =>
    {
        string folder = Path.Combine(RunsFolder, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        return folder;
    });

    private static string RunsFolder => Path.Combine(Repository.Artifacts, "test", "runs");

    /// <summary>A folder of this run, e.g. "projects" or "fixtures", created on demand.</summary>
    public static string Folder(string name)
    {
        string folder = Path.Combine(RunFolder.Value, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    [AssemblyInitialize]
    public static void RemoveOldRuns(TestContext context)
    {
        _ = context;
        if (!Directory.Exists(RunsFolder))
        {
            return;
        }

        foreach (string run in Directory.EnumerateDirectories(RunsFolder))
        {
            if (Directory.GetLastWriteTimeUtc(run) < DateTime.UtcNow.AddDays(-1))
            {
                Directory.Delete(run, recursive: true);
            }
        }
    }
}
