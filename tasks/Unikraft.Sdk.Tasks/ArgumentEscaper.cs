// Joins arguments into one ProcessStartInfo.Arguments string that .NET splits back into the same list.
using System.Text;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Quotes arguments with the rules .NET uses to split <c>ProcessStartInfo.Arguments</c> (the MSVC rules, on
/// every OS): <c>dotnet run</c> hands $(RunArguments) to the launcher through that string.
/// </summary>
public static class ArgumentEscaper
{
    /// <summary>Escapes each argument and joins them with spaces.</summary>
    public static string Join(IEnumerable<string> arguments) => string.Join(' ', arguments.Select(Escape));

    /// <summary>Escapes one argument; plain words stay unchanged.</summary>
    public static string Escape(string argument)
    {
        if (argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c == '"'))
        {
            return argument;
        }

        var builder = new StringBuilder("\"");
        int backslashes = 0;
        foreach (char c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            // Backslashes are literal unless a quote follows: then each one must be doubled.
            builder.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
            builder.Append(c);
            backslashes = 0;
        }

        return builder.Append('\\', backslashes * 2).Append('"').ToString();
    }
}
