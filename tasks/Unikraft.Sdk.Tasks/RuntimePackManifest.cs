// Reads pack.json, the manifest of a runtime pack (see docs/runtime-pack.md).
using System.Text.Json;

namespace Unikraft.Sdk.Tasks;

/// <summary>The fields of pack.json that the SDK uses; missing optional fields fall back to the RID's defaults.</summary>
/// <param name="RuntimeIdentifier">"rid": the RID the pack was built for (required).</param>
/// <param name="LdEmulation">"ldEmulation": the <c>ld -m</c> emulation.</param>
/// <param name="ImageSuffix">"imageSuffix": the image file suffix.</param>
/// <param name="QemuBinary">"qemu": the QEMU system emulator.</param>
/// <param name="DefaultMachine">"defaultMachine": the QEMU machine type.</param>
/// <param name="Linker">"linker": the GNU ld that links the image (<c>ld</c>, <c>aarch64-linux-gnu-ld</c>).</param>
/// <param name="ImageFormat">"imageFormat": <c>elf</c> or <c>arm64-image</c> (see <see cref="ImageFormats"/>).</param>
public sealed record RuntimePackManifest(
    string RuntimeIdentifier,
    string? LdEmulation,
    string? ImageSuffix,
    string? QemuBinary,
    string? DefaultMachine,
    string? Linker = null,
    string? ImageFormat = null)
{
    /// <summary>The file name of the manifest inside the pack's native folder.</summary>
    public const string FileName = "pack.json";

    /// <summary>Parses the manifest at <paramref name="path"/>; a malformed one is the error UKSDK1004.</summary>
    public static RuntimePackManifest Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or IOException)
        {
            throw new UnikraftException(nameof(Strings.RuntimePackManifestInvalid), path, e.Message);
        }
    }

    /// <summary>Parses manifest text; throws <see cref="InvalidDataException"/> when "rid" is missing.</summary>
    public static RuntimePackManifest Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("the root is not a JSON object.");
        }

        string rid = Text(root, "rid") ?? throw new InvalidDataException("the string field \"rid\" is missing.");
        string? imageFormat = Text(root, "imageFormat");
        if (imageFormat is not null && !ImageFormats.IsKnown(imageFormat))
        {
            throw new InvalidDataException(
                $"the image format \"{imageFormat}\" is unknown (expected {string.Join(" or ", ImageFormats.All)}).");
        }

        return new RuntimePackManifest(
            rid,
            Text(root, "ldEmulation"),
            Text(root, "imageSuffix"),
            Text(root, "qemu"),
            Text(root, "defaultMachine"),
            Text(root, "linker"),
            imageFormat);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>The image formats a runtime pack can ask for ("imageFormat" in pack.json).</summary>
public static class ImageFormats
{
    /// <summary>The linked ELF itself is the image (x86_64: PVH boots it).</summary>
    public const string Elf = "elf";

    /// <summary>A Linux arm64 "Image" made from the linked ELF (see <see cref="Arm64Image"/>).</summary>
    public const string Arm64Image = "arm64-image";

    /// <summary>Every known format.</summary>
    public static IReadOnlyList<string> All { get; } = [Elf, Arm64Image];

    /// <summary>True for a format in <see cref="All"/>.</summary>
    public static bool IsKnown(string format) => All.Contains(format, StringComparer.Ordinal);
}
