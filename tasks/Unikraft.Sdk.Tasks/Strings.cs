// Typed access to Strings.resx: one property per coded message (a test keeps this list and the resx in step).
using System.Globalization;
using System.Resources;

namespace Unikraft.Sdk.Tasks;

/// <summary>The coded messages of the tasks; pass <c>nameof(Strings.X)</c> to the logging helpers.</summary>
internal static class Strings
{
    /// <summary>The resources embedded from Strings.resx.</summary>
    public static ResourceManager ResourceManager { get; } = new("Unikraft.Sdk.Tasks.Strings", typeof(Strings).Assembly);

    /// <summary>The culture of the messages; null follows the current UI culture.</summary>
    public static CultureInfo? Culture { get; set; }

    public static string UnsupportedRuntimeIdentifier => Get(nameof(UnsupportedRuntimeIdentifier));

    public static string RuntimePackNotFound => Get(nameof(RuntimePackNotFound));

    public static string RuntimePackDirNotFound => Get(nameof(RuntimePackDirNotFound));

    public static string RuntimePackFileMissing => Get(nameof(RuntimePackFileMissing));

    public static string RuntimePackManifestInvalid => Get(nameof(RuntimePackManifestInvalid));

    public static string RuntimePackMismatch => Get(nameof(RuntimePackMismatch));

    public static string LinkerNotFound => Get(nameof(LinkerNotFound));

    public static string ObjCopyNotFound => Get(nameof(ObjCopyNotFound));

    public static string QemuNotFound => Get(nameof(QemuNotFound));

    public static string LinkFailed => Get(nameof(LinkFailed));

    public static string LinkerError => Get(nameof(LinkerError));

    public static string StripFailed => Get(nameof(StripFailed));

    public static string LinkerWarning => Get(nameof(LinkerWarning));

    public static string NativeLibraryIgnored => Get(nameof(NativeLibraryIgnored));

    public static string BundledFileInvalid => Get(nameof(BundledFileInvalid));

    public static string BundledFileMissing => Get(nameof(BundledFileMissing));

    public static string BundleFailed => Get(nameof(BundleFailed));

    public static string AppInfoSectionMissing => Get(nameof(AppInfoSectionMissing));

    public static string AppInfoSectionInvalid => Get(nameof(AppInfoSectionInvalid));

    public static string StackHeaderMissing => Get(nameof(StackHeaderMissing));

    public static string AppNameTooLong => Get(nameof(AppNameTooLong));

    public static string CommandLineTooLong => Get(nameof(CommandLineTooLong));

    public static string NotAnElfImage => Get(nameof(NotAnElfImage));

    public static string ImageConversionFailed => Get(nameof(ImageConversionFailed));

    public static string DiskNotFound => Get(nameof(DiskNotFound));

    public static string TapDeviceUnusable => Get(nameof(TapDeviceUnusable));

    public static string UserNetworkOnFirecracker => Get(nameof(UserNetworkOnFirecracker));

    public static string PortForwardsIgnored => Get(nameof(PortForwardsIgnored));

    public static string InvalidPropertyValue => Get(nameof(InvalidPropertyValue));

    public static string MemoryTooSmall => Get(nameof(MemoryTooSmall));

    public static string UnexpectedError => Get(nameof(UnexpectedError));

    private static string Get(string name) => ResourceManager.GetString(name, Culture) ?? name;
}
