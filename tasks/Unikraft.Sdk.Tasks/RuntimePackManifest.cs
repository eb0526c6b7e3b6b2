// Reads pack.json, the manifest of a runtime pack (see docs/runtime-pack.md).
using System.Text.Json;

namespace Unikraft.Sdk.Tasks;

/// <summary>The fields of pack.json that the SDK uses; missing optional fields fall back to the RID's defaults.</summary>
/// <param name="RuntimeIdentifier">"rid": the RID the pack was built for (required).</param>
/// <param name="LdEmulation">"ldEmulation": the <c>ld -m</c> emulation.</param>
/// <param name="ImageSuffix">"imageSuffix": the image file suffix.</param>
/// <param name="QemuBinary">"qemu": the QEMU system emulator.</param>
/// <param name="DefaultMachine">"defaultMachine": the QEMU machine type.</param>
public sealed record RuntimePackManifest(
    string RuntimeIdentifier,
    string? LdEmulation,
    string? ImageSuffix,
    string? QemuBinary,
    string? DefaultMachine)
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
        return new RuntimePackManifest(
            rid,
            Text(root, "ldEmulation"),
            Text(root, "imageSuffix"),
            Text(root, "qemu"),
            Text(root, "defaultMachine"));
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
