// Task: checks the network settings of the VM (UnikraftNetwork, UnikraftTapDevice, UnikraftNetworkConfig and the
// UnikraftPortForward items) and resolves the port forwards, for `dotnet run` and <name>.fc.json.
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Resolves the guest's network: <c>none</c>, <c>user</c> (QEMU's user-mode network; UKSDK1081 for a Firecracker
/// RID, which has none) or <c>tap</c> (needs UnikraftTapDevice). Each
/// <c>&lt;UnikraftPortForward Include="GUEST" HostPort="HOST" Protocol="tcp|udp" /&gt;</c> becomes an item
/// <c>tcp:HOST:GUEST</c> (the launcher's <c>--forward</c>) in <c>user</c> mode; in the others the items are
/// ignored with the warning UKSDK1082. Bad values (a port, a protocol, a host port forwarded twice, a
/// UnikraftNetworkConfig option) are UKSDK1040. Whether the tap device exists is checked when the VM starts
/// (<see cref="ComputeUnikraftRunArguments"/>), not here: the published config may run on another host.
/// </summary>
public sealed class ResolveUnikraftNetwork : UnikraftTask
{
    /// <summary>UnikraftNetwork: <c>none</c>, <c>user</c> or <c>tap</c> (empty = none; case-insensitive).</summary>
    public string Network { get; set; } = "";

    /// <summary>UnikraftTapDevice: the host's tap device for <c>tap</c>.</summary>
    public string TapDevice { get; set; } = "";

    /// <summary>UnikraftNetworkConfig: the guest's address as <c>net.*</c> kernel options; empty = DHCP.</summary>
    public string NetworkConfig { get; set; } = "";

    /// <summary>The UnikraftPortForward items: the guest port, with HostPort (default: the guest port) and Protocol (default tcp).</summary>
    public ITaskItem[] PortForwards { get; set; } = [];

    /// <summary><c>qemu</c> or <c>fc</c>: Firecracker has no user-mode network.</summary>
    [Required]
    public string Backend { get; set; } = "";

    /// <summary>The RID, for messages.</summary>
    public string RuntimeIdentifier { get; set; } = "";

    /// <summary>The mode, lower-case: <c>none</c>, <c>user</c> or <c>tap</c>.</summary>
    [Output]
    public string ResolvedNetwork { get; private set; } = GuestNetwork.None;

    /// <summary>
    /// The forwards of <c>user</c> mode, in item order: spec <c>tcp:HOST:GUEST</c>, metadata Protocol, HostPort and
    /// GuestPort; empty in the other modes.
    /// </summary>
    [Output]
    public ITaskItem[] ResolvedPortForwards { get; private set; } = [];

    /// <inheritdoc />
    protected override void ExecuteCore()
    {
        string network = Network.Trim().ToLowerInvariant();
        network = network.Length == 0 ? GuestNetwork.None : network;
        if (!GuestNetwork.Modes.Contains(network))
        {
            LogError(nameof(Strings.InvalidPropertyValue), "UnikraftNetwork", Network, "expected none, user or tap.");
            return;
        }

        if (network == GuestNetwork.User && Backend == "fc")
        {
            LogError(nameof(Strings.UserNetworkOnFirecracker), RuntimeIdentifier);
        }

        if (network == GuestNetwork.Tap && !GuestNetwork.IsInterfaceName(TapDevice.Trim()))
        {
            LogError(nameof(Strings.InvalidPropertyValue), "UnikraftTapDevice", TapDevice,
                "UnikraftNetwork=tap needs the name of an existing tap device of the host (1 to 15 characters without '/', ':', ',' " +
                $"or blanks), e.g. tap0, created with: {Unikraft.Sdk.TapDevice.CreateHint("tap0")}");
        }

        if (NetworkConfigOptions.Problem(NetworkConfig) is { } problem)
        {
            LogError(nameof(Strings.InvalidPropertyValue), "UnikraftNetworkConfig", NetworkConfig, problem);
        }

        List<ITaskItem> forwards = ResolveForwards();
        if (forwards.Count > 0 && network != GuestNetwork.User)
        {
            LogWarning(nameof(Strings.PortForwardsIgnored), forwards.Count, network,
                network == GuestNetwork.Tap ? " On a tap device the guest has an address of its own: reach it there." : "");
            forwards.Clear();
        }

        ResolvedNetwork = network;
        ResolvedPortForwards = [.. forwards];
    }

    private List<ITaskItem> ResolveForwards()
    {
        var forwards = new List<ITaskItem>();
        var hostPorts = new HashSet<(string, int)>();
        foreach (ITaskItem item in PortForwards)
        {
            string what = $"UnikraftPortForward '{item.ItemSpec}'";
            string protocol = item.GetMetadata("Protocol").Trim().ToLowerInvariant();
            protocol = protocol.Length == 0 ? "tcp" : protocol;
            string hostText = item.GetMetadata("HostPort").Trim();
            int? guest = Port(item.ItemSpec.Trim());
            int? host = hostText.Length == 0 ? guest : Port(hostText);
            if (guest is null)
            {
                LogError(nameof(Strings.InvalidPropertyValue), what, item.ItemSpec, "the item is the guest's port: expected 1 to 65535.");
            }
            else if (host is null)
            {
                LogError(nameof(Strings.InvalidPropertyValue), $"the HostPort metadata of {what}", hostText, "expected a port, 1 to 65535.");
            }
            else if (protocol is not ("tcp" or "udp"))
            {
                LogError(nameof(Strings.InvalidPropertyValue), $"the Protocol metadata of {what}", item.GetMetadata("Protocol"), "expected tcp or udp.");
            }
            else if (!hostPorts.Add((protocol, host.Value)))
            {
                LogError(nameof(Strings.InvalidPropertyValue), $"the HostPort of {what}", host.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"the host's {protocol} port {host.Value} is forwarded twice.");
            }
            else
            {
                var forward = new TaskItem($"{protocol}:{host.Value}:{guest.Value}");
                forward.SetMetadata("Protocol", protocol);
                forward.SetMetadata("HostPort", host.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                forward.SetMetadata("GuestPort", guest.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                forwards.Add(forward);
            }
        }

        return forwards;
    }

    private static int? Port(string text) =>
        text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit)
        && int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 65535 and var port ? port : null;
}
