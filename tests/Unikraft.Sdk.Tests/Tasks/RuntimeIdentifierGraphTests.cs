// The shipped RID graph is the SDK's portable graph plus the unikraft RIDs; UNIKRAFT_UPDATE_RID_GRAPH=1 regenerates it.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Unikraft.Sdk.Tests.Tasks;

[TestClass]
[TestCategory("Unit")]
public sealed class RuntimeIdentifierGraphTests
{
    private static string ShippedGraph => Repository.PathOf("sdk", "Unikraft.Sdk", "Sdk", "RuntimeIdentifierGraph.json");

    /// <summary>The SDK's portable graph plus unikraft → linux, unikraft-&lt;backend&gt; → unikraft, and the four RIDs.</summary>
    private static JsonObject Generate(string portableGraph)
    {
        JsonObject graph = JsonNode.Parse(File.ReadAllText(portableGraph))!.AsObject();
        JsonObject runtimes = graph["runtimes"]!.AsObject();
        runtimes["unikraft"] = Imports("linux");
        foreach (string backend in new[] { "qemu", "fc" })
        {
            runtimes[$"unikraft-{backend}"] = Imports("unikraft");
            foreach (string arch in new[] { "x64", "arm64" })
            {
                runtimes[$"unikraft-{backend}-{arch}"] = Imports($"unikraft-{backend}", $"linux-{arch}");
            }
        }

        return graph;
    }

    private static JsonObject Imports(params string[] parents) => new() { ["#import"] = new JsonArray([.. parents.Select(p => JsonValue.Create(p))]) };

    private static string SdkPortableGraph()
    {
        string sdk = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string root = Path.GetFullPath(Path.Combine(sdk, "..", "..", ".."));
        string? graph = Directory.EnumerateFiles(Path.Combine(root, "sdk"), "PortableRuntimeIdentifierGraph.json", SearchOption.AllDirectories)
            .OrderByDescending(f => f, StringComparer.Ordinal).FirstOrDefault();
        if (graph is null)
        {
            Prerequisite.Missing($"No PortableRuntimeIdentifierGraph.json under {root}/sdk.");
        }

        return graph!;
    }

    [TestMethod]
    public void GivenTheInstalledSdk_TheShippedGraphIsItsPortableGraphPlusTheUnikraftRids()
    {
        JsonObject expected = Generate(SdkPortableGraph());
        if (Environment.GetEnvironmentVariable("UNIKRAFT_UPDATE_RID_GRAPH") == "1")
        {
            File.WriteAllText(ShippedGraph, expected.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        JsonNode shipped = JsonNode.Parse(File.ReadAllText(ShippedGraph))!;
        Assert.IsTrue(JsonNode.DeepEquals(expected, shipped),
            "sdk/Unikraft.Sdk/Sdk/RuntimeIdentifierGraph.json is out of date with the installed SDK; regenerate it with " +
            "UNIKRAFT_UPDATE_RID_GRAPH=1 dotnet test --filter RuntimeIdentifierGraphTests");
    }

    [TestMethod]
    public void GivenTheShippedGraph_EachUnikraftRidImportsItsLinuxRid()
    {
        JsonObject runtimes = JsonNode.Parse(File.ReadAllText(ShippedGraph))!["runtimes"]!.AsObject();
        foreach (Unikraft.Sdk.Tasks.UnikraftTarget target in Unikraft.Sdk.Tasks.UnikraftTarget.All)
        {
            string[] imports = runtimes[target.RuntimeIdentifier]!["#import"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            CollectionAssert.Contains(imports, target.LinuxRuntimeIdentifier);
        }
    }
}
