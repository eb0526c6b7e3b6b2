// Once per test run: clears the per-run folders under artifacts/test (projects and fixtures of earlier runs).
namespace Unikraft.Sdk.Tests.Infrastructure;

[TestClass]
public static class TestRun
{
    [AssemblyInitialize]
    public static void ClearPreviousRun(TestContext context)
    {
        _ = context;
        foreach (string folder in new[] { "projects", "fixtures" })
        {
            string path = Path.Combine(Repository.Artifacts, "test", folder);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }
}
