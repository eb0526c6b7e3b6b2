// Probe modes for the standard streams: binary data through stdout and stdin unchanged, stdout and stderr kept
// apart, large outputs, and what the program sees of its streams (redirected or a terminal).
static class StreamProbe
{
    /// <summary>Every byte value, 0 to 255, <paramref name="rounds"/> times over on stdout.</summary>
    public static int Bytes(int rounds)
    {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            all[i] = (byte)i;
        }

        using Stream stdout = Console.OpenStandardOutput();
        for (int r = 0; r < rounds; r++)
        {
            stdout.Write(all);
        }

        return 0;
    }

    /// <summary>stdin to stdout unchanged until stdin's end; the byte count on stderr.</summary>
    public static int Cat()
    {
        using Stream stdin = Console.OpenStandardInput();
        using Stream stdout = Console.OpenStandardOutput();
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = stdin.Read(buffer, 0, buffer.Length)) > 0)
        {
            stdout.Write(buffer, 0, n);
            total += n;
        }

        Console.Error.WriteLine($"cat: {total} bytes");
        return 0;
    }

    /// <summary>Numbered lines on stdout and stderr, alternating; exits with 3.</summary>
    public static int Streams(int lines)
    {
        for (int i = 1; i <= lines; i++)
        {
            Console.Out.WriteLine($"out {i}");
            Console.Out.Flush();
            Console.Error.WriteLine($"err {i}");
        }

        return 3;
    }

    /// <summary>
    /// <paramref name="megabytes"/> MiB of a reproducible byte pattern on stdout in 64 KiB writes, a line on stderr
    /// after each MiB; exits with 7 after the last byte.
    /// </summary>
    public static int Flood(int megabytes)
    {
        using Stream stdout = Console.OpenStandardOutput();
        byte[] chunk = new byte[65536];
        uint state = 1;
        for (int mb = 0; mb < megabytes; mb++)
        {
            for (int c = 0; c < 16; c++)
            {
                for (int i = 0; i < chunk.Length; i++)
                {
                    state = state * 1664525 + 1013904223;
                    chunk[i] = (byte)(state >> 24);
                }

                stdout.Write(chunk);
            }

            Console.Error.WriteLine($"flood: {mb + 1} MiB");
        }

        return 7;
    }

    /// <summary>Which standard streams the program sees as redirected.</summary>
    public static int Redirection()
    {
        Console.WriteLine($"in={Console.IsInputRedirected} out={Console.IsOutputRedirected} err={Console.IsErrorRedirected}");
        return 0;
    }
}
