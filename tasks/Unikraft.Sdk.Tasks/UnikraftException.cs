// A user error that a task reports as one coded message of Strings.resx.
namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Thrown by the helpers of the tasks when the input is wrong; <see cref="UnikraftTask"/> logs it as the
/// coded error <see cref="ResourceName"/> formatted with <see cref="Arguments"/>.
/// </summary>
public sealed class UnikraftException : Exception
{
    /// <summary>Creates the exception for the message <paramref name="resourceName"/> of <see cref="Strings"/>.</summary>
    public UnikraftException(string resourceName, params object?[] arguments)
        : base(Format(resourceName, arguments))
    {
        ResourceName = resourceName;
        Arguments = arguments;
    }

    /// <summary>The name of the message in <see cref="Strings"/>.</summary>
    public string ResourceName { get; }

    /// <summary>The values of the message's placeholders.</summary>
    public object?[] Arguments { get; }

    private static string Format(string resourceName, object?[] arguments)
    {
        string format = Strings.ResourceManager.GetString(resourceName, Strings.Culture) ?? resourceName;
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, format, arguments);
    }
}
