// Decides whether an image gets the kernel's network stack (UnikraftNetworking): auto looks at what the program linked.
using System.Buffers.Binary;
using System.Text;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// The values of <c>UnikraftNetworking</c> and what <c>auto</c> looks for. A runtime pack carries the kernel core
/// twice: <c>libukcore.a</c> with lwIP, the socket layer and the virtio-net driver, and <c>libukcore-nonet.a</c>
/// without them (sockets fail with EAFNOSUPPORT, a NIC is left alone). <c>auto</c> links without the stack first
/// and links again with it when the linked ELF defines a symbol of <see cref="Symbols"/> or names a type of
/// <see cref="ManagedPrefixes"/>: what a program reaches only when it can open a socket or a raw NIC. musl's
/// <c>socket</c>, <c>connect</c> and <c>sendmsg</c> are not among them: getpwuid_r's nscd query (AF_UNIX, which the
/// kernel refuses either way) links them into every .NET program.
/// </summary>
public static class KernelNetworking
{
    /// <summary>The values of <c>UnikraftNetworking</c>.</summary>
    public const string Auto = "auto", Yes = "true", No = "false";

    /// <summary>The kernel core with the network stack, and without it.</summary>
    public const string CoreArchive = "libukcore.a", NoNetworkCoreArchive = "libukcore-nonet.a";

    /// <summary>Symbols whose presence in the linked ELF means the program can use the network.</summary>
    public static readonly IReadOnlySet<string> Symbols = new HashSet<string>(StringComparer.Ordinal)
    {
        // System.Native: every .NET socket starts here; DNS, interfaces and their statistics.
        "SystemNative_Socket", "SystemNative_GetHostEntryForName", "SystemNative_GetNameInfo",
        "SystemNative_EnumerateInterfaceAddresses", "SystemNative_GetNetworkInterfaces",
        "SystemNative_CreateNetworkChangeListenerSocket", "SystemNative_GetNativeIPInterfaceStatistics",
        // musl: what native code calls on sockets of its own, and the resolver and interface calls.
        "bind", "listen", "accept", "accept4", "sendto", "recvfrom", "setsockopt", "getsockopt", "getsockname",
        "getpeername", "getaddrinfo", "getnameinfo", "gethostbyname", "gethostbyname2", "gethostbyname_r",
        "gethostbyaddr", "gethostbyaddr_r", "res_query", "res_send", "getifaddrs", "if_nametoindex",
        "if_indextoname", "if_nameindex",
    };

    /// <summary>Prefixes of ilc's symbol names of managed types that need the network driver: Unikraft.Drivers' raw NICs.</summary>
    public static readonly IReadOnlyList<string> ManagedPrefixes = ["Unikraft_Drivers_Unikraft_Drivers_NetworkDevice"];

    /// <summary>True for <c>auto</c>, <c>true</c> and <c>false</c> (any case).</summary>
    public static bool IsValid(string value) =>
        value.Equals(Auto, StringComparison.OrdinalIgnoreCase) || value.Equals(Yes, StringComparison.OrdinalIgnoreCase) ||
        value.Equals(No, StringComparison.OrdinalIgnoreCase);

    /// <summary>The first symbol of <paramref name="definedSymbols"/> that means networking, or null.</summary>
    public static string? FindUse(IEnumerable<string> definedSymbols) =>
        definedSymbols.FirstOrDefault(s => Symbols.Contains(s) || ManagedPrefixes.Any(p => s.StartsWith(p, StringComparison.Ordinal)));

    /// <summary>The names of the symbols an ELF file defines (its .symtab; none when it has no symbol table).</summary>
    public static IEnumerable<string> DefinedSymbols(byte[] elf)
    {
        ElfImage image = ElfImage.Parse(elf);
        ElfSection? symbols = image.FindSection(".symtab"), names = image.FindSection(".strtab");
        if (symbols is null || names is null || names.Offset + names.Size > (ulong)elf.Length ||
            symbols.Offset + symbols.Size > (ulong)elf.Length)
        {
            yield break;
        }

        const int entrySize = 24; // Elf64_Sym: name, info, other, shndx, value, size
        for (ulong at = symbols.Offset; at + entrySize <= symbols.Offset + symbols.Size; at += entrySize)
        {
            uint name = BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)at));
            ushort section = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)at + 6));
            if (section == 0 || name == 0 || name >= names.Size)
            {
                continue;
            }

            ReadOnlySpan<byte> rest = elf.AsSpan((int)(names.Offset + name), (int)(names.Size - name));
            int end = rest.IndexOf((byte)0);
            yield return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
        }
    }
}
