// NetworkDeviceStatistics: the counters of a raw network interface, as the kernel keeps them.
namespace Unikraft.Drivers;

/// <summary>
/// The counters of a raw network interface since boot (the fields of Linux's <c>/proc/net/dev</c>).
/// </summary>
/// <param name="ReceivedFrames">Frames the program could read (queued for it).</param>
/// <param name="ReceivedBytes">Their bytes, from the Ethernet header on.</param>
/// <param name="ReceiveErrors">Frames the device delivered malformed (dropped).</param>
/// <param name="ReceiveDropped">
/// Frames dropped because the program was not reading: 128 were waiting already, the device was not open, or the
/// kernel was short of memory.
/// </param>
/// <param name="SentFrames">Frames handed to the device.</param>
/// <param name="SentBytes">Their bytes.</param>
/// <param name="SendErrors">Frames the driver could not send.</param>
/// <param name="SendDropped">Frames the TCP/IP stack dropped for a full queue (none for a raw interface, whose sends wait).</param>
public sealed record NetworkDeviceStatistics(
    ulong ReceivedFrames,
    ulong ReceivedBytes,
    ulong ReceiveErrors,
    ulong ReceiveDropped,
    ulong SentFrames,
    ulong SentBytes,
    ulong SendErrors,
    ulong SendDropped);
