// Base of every Unikraft.Sdk task: coded messages from Strings.resx, and no exception escapes Execute.
using Microsoft.Build.Framework;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Runs <see cref="ExecuteCore"/> and turns failures into coded errors: a <see cref="UnikraftException"/>
/// becomes the error it names, any other exception becomes UKSDK1099. Succeeds when nothing logged an error.
/// </summary>
public abstract class UnikraftTask : Microsoft.Build.Utilities.Task
{
    /// <summary>Uses <see cref="Strings"/> so that <c>Log.*FromResources</c> finds the coded messages.</summary>
    protected UnikraftTask()
        : base(Strings.ResourceManager)
    {
    }

    /// <inheritdoc />
    public sealed override bool Execute()
    {
        try
        {
            ExecuteCore();
        }
        catch (UnikraftException e)
        {
            Log.LogErrorWithCodeFromResources(e.ResourceName, e.Arguments);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            Log.LogErrorWithCodeFromResources(nameof(Strings.UnexpectedError), GetType().Name, e.ToString());
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>The work of the task. Throw <see cref="UnikraftException"/> for user errors.</summary>
    protected abstract void ExecuteCore();

    /// <summary>Logs the coded error <paramref name="resourceName"/> (a name of <see cref="Strings"/>).</summary>
    protected void LogError(string resourceName, params object?[] arguments) =>
        Log.LogErrorWithCodeFromResources(resourceName, arguments);

    /// <summary>Logs the coded warning <paramref name="resourceName"/> (a name of <see cref="Strings"/>).</summary>
    protected void LogWarning(string resourceName, params object?[] arguments) =>
        Log.LogWarningWithCodeFromResources(resourceName, arguments);

    /// <summary>Logs a plain message at the given importance.</summary>
    protected void LogMessage(MessageImportance importance, string message) =>
        Log.LogMessage(importance, "{0}", message);
}
