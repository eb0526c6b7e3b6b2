// The syntax of UnikraftNetworkConfig, the guest's IPv4 configuration as kernel command-line options.
namespace Unikraft.Sdk.Tasks;

/// <summary>
/// <c>net.ip=ADDRESS/PREFIX [net.gw=ADDRESS] [net.dns=ADDRESS[,ADDRESS]]</c>, IPv4 dotted quads, each option at
/// most once; empty means DHCP. The kernel reads them (sdk/Unikraft.Sdk/README.md, "Network"); the SDK only
/// checks them, so that a typo fails the build instead of leaving the guest without an address.
/// </summary>
internal static class NetworkConfigOptions
{
    /// <summary>Null when <paramref name="config"/> is well-formed, else what is wrong (for UKSDK1040).</summary>
    public static string? Problem(string config)
    {
        var seen = new HashSet<string>();
        foreach (string option in config.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = option.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? option : option[..equals];
            string value = equals < 0 ? "" : option[(equals + 1)..];
            string? problem = key switch
            {
                "net.ip" => IsPrefix(value) ? null : "net.ip takes ADDRESS/PREFIX, e.g. net.ip=10.0.0.2/24",
                "net.gw" => IsAddress(value) ? null : "net.gw takes an IPv4 address, e.g. net.gw=10.0.0.1",
                "net.dns" => value.Split(',') is { Length: <= 2 } servers && servers.All(IsAddress)
                    ? null
                    : "net.dns takes one or two IPv4 addresses separated by a comma, e.g. net.dns=10.0.0.1",
                _ => $"'{option}' is not a network option: expected net.ip=ADDRESS/PREFIX, net.gw=ADDRESS, net.dns=ADDRESS[,ADDRESS]",
            };
            if (problem is not null)
            {
                return problem + (problem.StartsWith('\'') ? "." : $", not '{option}'.");
            }

            if (!seen.Add(key))
            {
                return $"{key} is given twice.";
            }
        }

        return seen.Count > 0 && !seen.Contains("net.ip")
            ? "net.gw and net.dns need net.ip: without net.ip the guest takes its whole configuration from DHCP."
            : null;
    }

    private static bool IsPrefix(string value)
    {
        int slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && IsAddress(value[..slash]) && Number(value[(slash + 1)..], 32) is >= 1;
    }

    private static bool IsAddress(string value)
    {
        string[] parts = value.Split('.');
        return parts.Length == 4 && parts.All(p => Number(p, 255) is not null);
    }

    private static int? Number(string text, int max) =>
        text.Length is > 0 and <= 3 && text.All(char.IsAsciiDigit)
        && int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) is var n && n <= max ? n : null;
}
