// LinkUnikernel's UnikraftNetworking: auto links the kernel's network stack only when the linked program can use it.
using Unikraft.Sdk.Tasks;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class KernelNetworkingTests
{
    /// <summary>A stub pack with both kernel cores (or only libukcore.a) and a program that defines <paramref name="symbols"/>.</summary>
    private static LinkUnikernel Task(bool withNoNetworkCore, params string[] symbols)
    {
        string folder = NativeFixtures.NewFolder("networking");
        string native = Path.Combine(folder, "native");
        Directory.CreateDirectory(native);
        File.WriteAllText(Path.Combine(native, "unikraft.ld"), """
            ENTRY(_start)
            SECTIONS
            {
                . = 0x400000;
                .text : { *(.text*) }
                .uk.appinfo : { KEEP(*(.uk.appinfo)) }
                .data : { *(.data*) }
            }
            """);
        string core = NativeFixtures.AssembleText(folder, "core", ".section .uk.appinfo, \"a\"\n.fill 2304, 1, 0\n");
        NativeFixtures.Archive(Path.Combine(native, KernelNetworking.CoreArchive), core);
        if (withNoNetworkCore)
        {
            NativeFixtures.Archive(Path.Combine(native, KernelNetworking.NoNetworkCoreArchive), core);
        }

        File.Copy(NativeFixtures.AssembleText(folder, "crt1", ".text\n.globl _start\n_start: call main\nhlt\n"), Path.Combine(native, "crt1.o"));
        File.Copy(NativeFixtures.AssembleText(folder, "crti", ".text\n"), Path.Combine(native, "crti.o"));
        File.Copy(NativeFixtures.AssembleText(folder, "crtn", ".text\n"), Path.Combine(native, "crtn.o"));
        foreach (string archive in new[] { "libukcompat.a", "libc.a", "libgcc.a", "libgcc_eh.a" })
        {
            NativeFixtures.Archive(Path.Combine(native, archive));
        }

        // The symbols share main's section, so --gc-sections keeps them as it keeps what a program calls.
        string definitions = string.Concat(symbols.Select(s => $".globl {s}\n{s}: ret\n"));
        string app = NativeFixtures.AssembleText(folder, "app", $".text\n.globl main\nmain: ret\n{definitions}");
        return new LinkUnikernel
        {
            NativeObject = app,
            RuntimePackNativeDirectory = native,
            LdEmulation = "elf_x86_64",
            OutputImage = Path.Combine(folder, "out", "Hello.qemu"),
            AppName = "Hello",
        };
    }

    private static string Core(LinkUnikernel task) =>
        Path.GetFileName(task.LinkerArguments[Array.IndexOf(task.LinkerArguments, "--whole-archive") + 1]);

    [TestMethod]
    public void GivenAutoAndAProgramWithoutSockets_ItLinksTheCoreWithoutTheNetworkStack()
    {
        // musl's socket, connect and sendmsg come with getpwuid_r's nscd query into every .NET program.
        LinkUnikernel task = Task(withNoNetworkCore: true, "socket", "connect", "sendmsg");

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded, string.Join('\n', engine.Errors.Select(e => e.Message)));
        Assert.IsFalse(task.NetworkingLinked);
        Assert.AreEqual(KernelNetworking.NoNetworkCoreArchive, Core(task));
        Assert.IsTrue(File.Exists(task.OutputImage));
    }

    [TestMethod]
    [DataRow("SystemNative_Socket")]
    [DataRow("getaddrinfo")]
    [DataRow("if_nametoindex")]
    [DataRow("Unikraft_Drivers_Unikraft_Drivers_NetworkDevice__Open")]
    public void GivenAutoAndAProgramThatCanUseTheNetwork_ItLinksAgainWithTheNetworkStack(string symbol)
    {
        LinkUnikernel task = Task(withNoNetworkCore: true, symbol);

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded, string.Join('\n', engine.Errors.Select(e => e.Message)));
        Assert.IsTrue(task.NetworkingLinked);
        Assert.AreEqual(KernelNetworking.CoreArchive, Core(task));
        Assert.IsTrue(engine.Messages.Any(m => m.Message!.Contains(symbol, StringComparison.Ordinal)), "The reason is logged.");
        Assert.IsTrue(File.Exists(task.OutputImage) && File.Exists(task.LinkedElf));
    }

    [TestMethod]
    [DataRow("false", "SystemNative_Socket", false)]
    [DataRow("FALSE", "SystemNative_Socket", false)]
    [DataRow("true", "main", true)]
    public void GivenAnExplicitValue_ItIsObeyed(string value, string symbol, bool networking)
    {
        LinkUnikernel task = Task(withNoNetworkCore: true, symbol == "main" ? [] : [symbol]);
        task.Networking = value;

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded, string.Join('\n', engine.Errors.Select(e => e.Message)));
        Assert.AreEqual(networking, task.NetworkingLinked);
    }

    [TestMethod]
    public void GivenAPackWithoutTheCoreWithoutNetworking_ItLinksTheNetworkStack()
    {
        LinkUnikernel task = Task(withNoNetworkCore: false);
        task.Networking = "false";

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsTrue(succeeded, string.Join('\n', engine.Errors.Select(e => e.Message)));
        Assert.IsTrue(task.NetworkingLinked);
        Assert.AreEqual(KernelNetworking.CoreArchive, Core(task));
    }

    [TestMethod]
    public void GivenAnInvalidValue_ItFailsWithUKSDK1040()
    {
        LinkUnikernel task = Task(withNoNetworkCore: true);
        task.Networking = "maybe";

        (bool succeeded, MockBuildEngine engine) = TaskRunner.Run(task);

        Assert.IsFalse(succeeded);
        Assert.AreEqual("UKSDK1040", engine.Errors.Single().Code);
        StringAssert.Contains(engine.Errors.Single().Message, "UnikraftNetworking");
    }
}
