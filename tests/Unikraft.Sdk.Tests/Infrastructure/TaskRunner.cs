// Runs a task against a fresh MockBuildEngine and returns both for assertions.
using Microsoft.Build.Framework;

namespace Unikraft.Sdk.Tests.Infrastructure;

internal static class TaskRunner
{
    /// <summary>Attaches a new engine to <paramref name="task"/>, executes it and returns (result, engine).</summary>
    public static (bool Succeeded, MockBuildEngine Engine) Run(ITask task, MockBuildEngine? engine = null)
    {
        engine ??= new MockBuildEngine();
        task.BuildEngine = engine;
        bool succeeded = task.Execute();
        return (succeeded, engine);
    }
}
