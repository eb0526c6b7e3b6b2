// Task: turns the build's global properties into -p: arguments, so a child build sees the same configuration.
using Microsoft.Build.Framework;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Formats every global property of the running build (e.g. RuntimeIdentifier, Configuration and the
/// user's -p: values) as escaped <c>-p:Name=Value</c> arguments for a <c>dotnet msbuild</c> child process.
/// </summary>
public sealed class FormatGlobalPropertyArguments : UnikraftTask
{
    /// <summary>Names to leave out (e.g. properties the child sets itself).</summary>
    public string[] Exclude { get; set; } = [];

    /// <summary>The arguments, escaped for a command line, separated by spaces.</summary>
    [Output]
    public string Arguments { get; private set; } = "";

    /// <inheritdoc />
    protected override void ExecuteCore()
    {
        IReadOnlyDictionary<string, string> properties = BuildEngine is IBuildEngine6 engine
            ? engine.GetGlobalProperties()
            : new Dictionary<string, string>();
        Arguments = Format(properties, Exclude);
    }

    /// <summary>Formats <paramref name="properties"/> in name order, skipping <paramref name="exclude"/>.</summary>
    public static string Format(IReadOnlyDictionary<string, string> properties, IEnumerable<string> exclude)
    {
        var skipped = new HashSet<string>(exclude, StringComparer.OrdinalIgnoreCase);
        return string.Join(' ', properties
            .Where(p => !skipped.Contains(p.Key))
            .OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
            .Select(p => ShellWord($"-p:{p.Key}={EscapeValue(p.Value)}")));
    }

    // MSBuild splits -p values at ';' and ',' unless they are escaped.
    private static string EscapeValue(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal)
            .Replace(";", "%3B", StringComparison.Ordinal)
            .Replace(",", "%2C", StringComparison.Ordinal);

    // Exec runs the command with /bin/sh: single quotes keep every character literal.
    private static string ShellWord(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
