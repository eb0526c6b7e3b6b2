// The syntax of UnikraftNetworkConfig: the guest's network configuration as the kernel's net.* command-line options.
using System.Net;
using System.Net.Sockets;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// <c>net.ip=ADDRESS/PREFIX</c> and <c>net.gw=ADDRESS</c> (IPv4 dotted quads; the first interface, en0, then uses
/// no DHCP), <c>net.dns=ADDRESS</c> (IPv4 or IPv6, repeatable, at most 3 in all), <c>net.wait=SECONDS</c> (0-300:
/// how long the boot waits for DHCP leases) and the per-interface forms <c>net.enN.ip=</c>, <c>net.enN.gw=</c>,
/// <c>net.enN.dns=</c>; empty means DHCP. The kernel reads them (docs/runtime-pack.md, "Network device") and
/// stops the boot at an unknown <c>net.*</c> option; the SDK checks them first, so that a typo fails the build.
/// </summary>
internal static class NetworkConfigOptions
{
    private const int MaxNameServers = 3;

    /// <summary>Null when <paramref name="config"/> is well-formed, else what is wrong (for UKSDK1040).</summary>
    public static string? Problem(string config)
    {
        int nameServers = 0;
        foreach (string option in config.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = option.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? option : option[..equals];
            string value = equals < 0 ? "" : option[(equals + 1)..];
            string? field = Field(key);
            if (field is not ("ip" or "gw" or "dns") && key != "net.wait")
            {
                return $"'{option}' is not a network option: expected net.ip=ADDRESS/PREFIX, net.gw=ADDRESS, net.dns=ADDRESS, " +
                    "net.wait=SECONDS or net.enN.ip=/gw=/dns=.";
            }

            string? problem = field switch
            {
                "ip" => IsPrefix(value) ? null : "net.ip takes ADDRESS/PREFIX, e.g. net.ip=10.0.0.2/24",
                "gw" => IsIPv4(value) ? null : "net.gw takes an IPv4 address, e.g. net.gw=10.0.0.1",
                "dns" => IsIPv4(value) || IsIPv6(value) ? null : "net.dns takes one IPv4 or IPv6 address (repeat the option for more), e.g. net.dns=10.0.0.1",
                _ => Number(value, 300) is null ? "net.wait takes 0 to 300 (seconds), e.g. net.wait=10" : null,
            };
            if (problem is not null)
            {
                return $"{problem}, not '{option}'.";
            }

            if (field == "dns" && ++nameServers > MaxNameServers)
            {
                return $"at most {MaxNameServers} name servers (net.dns=).";
            }
        }

        return null;
    }

    /// <summary>The field of <c>net.FIELD</c> or <c>net.enN.FIELD</c>; null for anything else.</summary>
    private static string? Field(string key)
    {
        string[] parts = key.Split('.');
        return parts.Length switch
        {
            2 when parts[0] == "net" => parts[1],
            3 when parts[0] == "net" && IsInterface(parts[1]) => parts[2],
            _ => null,
        };
    }

    /// <summary>The kernel's interface names: en0, en1, … (at most three digits).</summary>
    private static bool IsInterface(string name) =>
        name.Length is >= 3 and <= 5 && name.StartsWith("en", StringComparison.Ordinal) && name[2..].All(char.IsAsciiDigit);

    private static bool IsPrefix(string value)
    {
        int slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && IsIPv4(value[..slash]) && Number(value[(slash + 1)..], 32) is >= 1;
    }

    private static bool IsIPv4(string value)
    {
        string[] parts = value.Split('.');
        return parts.Length == 4 && parts.All(p => Number(p, 255) is not null);
    }

    private static bool IsIPv6(string value) =>
        value.Contains(':', StringComparison.Ordinal) && !value.Contains('%', StringComparison.Ordinal)
        && IPAddress.TryParse(value, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    private static int? Number(string text, int max) =>
        text.Length is > 0 and <= 3 && text.All(char.IsAsciiDigit)
        && int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) is var n && n <= max ? n : null;
}
