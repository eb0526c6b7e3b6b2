// Task: checks the UnikraftDisk items (the block devices of the VM) and resolves their paths, in order.
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Unikraft.Sdk.Tasks;

/// <summary>
/// Turns each <c>&lt;UnikraftDisk Include="data.img" ReadOnly="true|false" /&gt;</c> into an item whose spec is
/// the absolute path (relative paths are relative to the project folder) and whose ReadOnly is <c>true</c> or
/// <c>false</c>, keeping their order: the guest sees them as /dev/vda, /dev/vdb, …. A missing file is
/// UKSDK1070 and a ReadOnly other than true/false is UKSDK1040, so the VM never starts without its disks.
/// </summary>
public sealed class ResolveUnikraftDisks : UnikraftTask
{
    /// <summary>The UnikraftDisk items in project order.</summary>
    public ITaskItem[] Disks { get; set; } = [];

    /// <summary>The folder relative disk paths are resolved against ($(MSBuildProjectDirectory)).</summary>
    [Required]
    public string ProjectDirectory { get; set; } = "";

    /// <summary>The disks with absolute paths and ReadOnly normalised to <c>true</c>/<c>false</c>.</summary>
    [Output]
    public ITaskItem[] ResolvedDisks { get; private set; } = [];

    /// <inheritdoc />
    protected override void ExecuteCore()
    {
        var resolved = new List<ITaskItem>();
        foreach (ITaskItem disk in Disks)
        {
            string path = Path.GetFullPath(Path.Combine(ProjectDirectory, disk.ItemSpec));
            string readOnly = disk.GetMetadata("ReadOnly").Trim();
            if (!TryParseReadOnly(readOnly, out bool isReadOnly))
            {
                LogError(nameof(Strings.InvalidPropertyValue), $"the ReadOnly metadata of UnikraftDisk '{disk.ItemSpec}'", readOnly,
                    "expected true or false.");
                continue;
            }

            if (!File.Exists(path))
            {
                LogError(nameof(Strings.DiskNotFound), path, disk.ItemSpec);
                continue;
            }

            var item = new TaskItem(path);
            item.SetMetadata("ReadOnly", isReadOnly ? "true" : "false");
            resolved.Add(item);
        }

        ResolvedDisks = [.. resolved];
    }

    private static bool TryParseReadOnly(string value, out bool readOnly)
    {
        readOnly = string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
        return readOnly || value.Length == 0 || string.Equals(value, "false", StringComparison.OrdinalIgnoreCase);
    }
}
