// Finds an executable by path or on PATH, the way a shell does (shared by the tasks and the launcher).
namespace Unikraft.Sdk;

/// <summary>Looks up host tools such as <c>ld</c> and <c>qemu-system-x86_64</c>.</summary>
internal static class ExecutableSearch
{
    /// <summary>
    /// Returns the full path of <paramref name="name"/>: a name with a directory separator is checked as is,
    /// a bare name is searched in <paramref name="searchPath"/> (default: the PATH variable). Null when absent.
    /// </summary>
    public static string? Find(string name, string? searchPath = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        if (name.Contains('/') || name.Contains(Path.DirectorySeparatorChar))
        {
            return IsExecutable(name) ? Path.GetFullPath(name) : null;
        }

        searchPath ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        string[] extensions = OperatingSystem.IsWindows() ? ["", ".exe", ".cmd"] : [""];
        foreach (string directory in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string extension in extensions)
            {
                string candidate = Path.Combine(directory, name + extension);
                if (IsExecutable(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }

        return null;
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
