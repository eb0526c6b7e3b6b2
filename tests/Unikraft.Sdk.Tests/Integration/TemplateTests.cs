// `dotnet new unikernel` and `dotnet new unikernel-web` from the freshly packed Unikraft.Templates, installed into
// a private template hive.
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Unikraft.Sdk.Tests.Integration;

[TestClass]
[TestCategory("Boot")]
public sealed class TemplateTests
{
    [TestMethod]
    public void GivenTheTemplatePackage_DotnetNewCreatesAProjectThatPinsTheSdkAndRuns()
    {
        TestProject workspace = TestProject.Create("Template", new Dictionary<string, string>());
        string hive = Path.Combine(workspace.Directory, ".template-hive");
        string output = Path.Combine(workspace.Directory, "Foo");

        CommandResult install = workspace.Dotnet("new", "install", TestSdk.TemplatePackage, "--debug:custom-hive", hive);
        CommandResult create = workspace.Dotnet("new", "unikernel", "-n", "Foo", "-o", output, "--debug:custom-hive", hive);
        CommandResult run = workspace.Dotnet("run", "--project", Path.Combine(output, "Foo.csproj"), "--", "x y");
        CommandResult uninstall = workspace.Dotnet("new", "uninstall", "Unikraft.Templates", "--debug:custom-hive", hive);

        Assert.AreEqual(0, install.ExitCode, install.ToString());
        Assert.AreEqual(0, create.ExitCode, create.ToString());
        CollectionAssert.AreEquivalent(new[] { "Foo.csproj", "Program.cs" }, Directory.GetFiles(output).Select(Path.GetFileName).ToArray());
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "Foo.csproj")), $"Sdk=\"Unikraft.Sdk/{Repository.Version}\"");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "Hello from a .NET unikernel!");
        StringAssert.Contains(run.Output, "args[0] = x y");
        Assert.AreEqual(0, uninstall.ExitCode, uninstall.ToString());
    }

    /// <summary>
    /// dotnet new unikernel-web, then dotnet run -r unikraft-qemu-x64 as a user would (with another host port): the
    /// launcher prints the URL, and the forwarded port serves the template's JSON, its health check and its request log.
    /// </summary>
    [TestMethod]
    public async Task GivenTheWebTemplate_DotnetRunServesItsApiOnTheForwardedPort()
    {
        const string Rid = "unikraft-qemu-x64";
        string? pack = TestImages.DefaultRuntimePack(Rid);
        if (pack is null || !File.Exists(Path.Combine(pack, "pack.json")))
        {
            Prerequisite.Missing($"no staged {Rid} runtime pack (make -C runtime-packs RIDS={Rid})");
        }

        TestProject workspace = TestProject.Create("WebTemplate", new Dictionary<string, string>());
        string hive = Path.Combine(workspace.Directory, ".template-hive");
        string output = Path.Combine(workspace.Directory, "WebFoo");
        CommandResult install = workspace.Dotnet("new", "install", TestSdk.TemplatePackage, "--debug:custom-hive", hive);
        CommandResult create = workspace.Dotnet("new", "unikernel-web", "-n", "WebFoo", "-o", output, "--debug:custom-hive", hive);
        Assert.AreEqual(0, install.ExitCode, install.ToString());
        Assert.AreEqual(0, create.ExitCode, create.ToString());
        CollectionAssert.AreEquivalent(new[] { "WebFoo.csproj", "Program.cs", "appsettings.json" }, Directory.GetFiles(output).Select(Path.GetFileName).ToArray());
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "WebFoo.csproj")), $"Sdk=\"Unikraft.Sdk/{Repository.Version}\"");

        int port = FreePort();
        using var stop = new CancellationTokenSource();
        Task<CommandResult> run = Task.Run(() => Command.Run(
            "dotnet", ["run", "--project", Path.Combine(output, "WebFoo.csproj"), "-r", Rid, $"-p:HttpHostPort={port}", "-p:UnikraftAccel=tcg", $"-p:UnikraftRuntimePackDir={pack}"],
            workspace.Directory, TestSdk.Environment, TimeSpan.FromMinutes(20), stop: stop.Token));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        string? health = null;
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromMinutes(15); // publishing ASP.NET Core with NativeAOT takes minutes
        while (health is null && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            try
            {
                health = await http.GetStringAsync("/health");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(500);
            }
        }

        JsonElement root = health is null ? default : await http.GetFromJsonAsync<JsonElement>("/");
        JsonElement todos = health is null ? default : await http.GetFromJsonAsync<JsonElement>("/todos");
        using HttpResponseMessage missing = await http.GetAsync("/todos/42");
        stop.Cancel();
        CommandResult result = await run;

        Assert.AreEqual("Healthy", health, result.ToString());
        Assert.AreEqual("Hello from a .NET unikernel!", root.GetProperty("message").GetString());
        Assert.AreEqual(Rid, root.GetProperty("runtimeIdentifier").GetString());
        Assert.AreEqual("Production", root.GetProperty("environment").GetString());
        Assert.AreEqual(3, todos.GetArrayLength());
        Assert.AreEqual(HttpStatusCode.NotFound, missing.StatusCode);
        StringAssert.Contains(result.Output, $"unikraft: forwarding tcp 127.0.0.1:{port} to the guest's port 8080 (http://127.0.0.1:{port}/ for a web server)");
        StringAssert.Contains(result.Output, "Now listening on: http://[::]:8080");
        StringAssert.Contains(result.Output, "Path: /todos");
        StringAssert.Contains(result.Output, "StatusCode: 404");
        CommandResult uninstall = workspace.Dotnet("new", "uninstall", "Unikraft.Templates", "--debug:custom-hive", hive);
        Assert.AreEqual(0, uninstall.ExitCode, uninstall.ToString());
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
