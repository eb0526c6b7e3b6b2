// The program's layout as the program sees it (mode "layout"): where its main thread's stack, another thread's
// stack, an anonymous mmap, the brk heap and its own code lie. AslrBootTests compares two boots' lines with each
// other and with the kernel's "layout:" line (uk.log=debug): with uk.aslr=on (the default) the stacks, mappings and
// heap move from boot to boot, with uk.aslr=off they do not; the code stays where the image was linked.
using System.Runtime.InteropServices;

static class LayoutProbe
{
    [DllImport("libc")] static extern nint sbrk(nint increment);
    [DllImport("libc")] static extern nint mmap(nint addr, nuint length, int prot, int flags, int fd, long offset);
    [DllImport("libc")] static extern int munmap(nint addr, nuint length);

    const int PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;

    static unsafe nint StackAddress()
    {
        byte* local = stackalloc byte[16];
        local[0] = 1;
        return (nint)local;
    }

    public static unsafe int Run()
    {
        nint stack = StackAddress();
        nint threadStack = 0;
        var thread = new Thread(() => threadStack = StackAddress());
        thread.Start();
        thread.Join();
        nint map = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        *(byte*)map = 1;
        munmap(map, 4096);
        nint brk = sbrk(0);
        nint code = (nint)(delegate*<nint>)&StackAddress;
        Console.WriteLine($"program layout: stack {stack:x} thread stack {threadStack:x} mmap {map:x} brk {brk:x} code {code:x}");
        bool ok = stack != 0 && threadStack != 0 && map != -1 && brk != -1;
        Console.WriteLine(ok ? "LAYOUT: PASS" : "LAYOUT: FAIL");
        return ok ? 0 : 1;
    }
}
