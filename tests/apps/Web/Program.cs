// Web: an ASP.NET Core app on Kestrel for the web boot tests. Endpoints: /health; /config (what configuration the
// app sees: environment, Greeting, the endpoints Kestrel listens on); JSON items (GET/POST /items); /bytes/N (N
// bytes of a known pattern, streamed); POST /sink (reads the body, checks the same pattern, reports the count);
// /protocol (the HTTP version of the request); /connection (Kestrel's id of the connection); POST /shutdown (stops the app: the VM powers off with exit code 0).
// Every request is logged on the console.
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJson.Default));
builder.Services.AddHealthChecks();

WebApplication app = builder.Build();
ILogger requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Web.Requests");
app.Use(async (context, next) =>
{
    await next(context);
    requests.LogInformation("{Protocol} {Method} {Path} -> {Status}", context.Request.Protocol, context.Request.Method,
        context.Request.Path, context.Response.StatusCode);
});

var items = new System.Collections.Concurrent.ConcurrentDictionary<int, Item>();
int nextId = 0;

app.MapHealthChecks("/health");
app.MapGet("/config", (IConfiguration configuration, IWebHostEnvironment environment, IServer server) => new ConfigReport(
    environment.EnvironmentName,
    configuration["Greeting"],
    server.Features.Get<IServerAddressesFeature>()?.Addresses.Order().ToArray() ?? []));
app.MapGet("/protocol", (HttpContext context) => context.Request.Protocol);
app.MapGet("/connection", (HttpContext context) => context.Connection.Id);
app.MapPost("/shutdown", (IHostApplicationLifetime lifetime) =>
{
    lifetime.StopApplication();
    return "stopping";
});
app.MapGet("/items", () => items.Values.OrderBy(i => i.Id).ToArray());
app.MapGet("/items/{id:int}", (int id) => items.TryGetValue(id, out Item? item) ? Results.Ok(item) : Results.NotFound());
app.MapPost("/items", (NewItem input) =>
{
    var item = new Item(Interlocked.Increment(ref nextId), input.Name, input.Tags ?? [], input.Price, DateTimeOffset.UtcNow);
    items[item.Id] = item;
    return Results.Created($"/items/{item.Id}", item);
});
app.MapGet("/bytes/{count:long}", async (long count, HttpContext context) =>
{
    context.Response.ContentType = "application/octet-stream";
    context.Response.ContentLength = count;
    byte[] chunk = Pattern.Chunk;
    for (long sent = 0; sent < count;)
    {
        // Chunk holds the pattern from offset 0, and Pattern.Period divides its length: every slice continues it.
        int n = (int)Math.Min(chunk.Length, count - sent);
        await context.Response.Body.WriteAsync(chunk.AsMemory(0, n), context.RequestAborted);
        sent += n;
    }
});
app.MapPost("/sink", async (HttpContext context) =>
{
    // Kestrel's default limit is 30 MB; this endpoint takes any size (the tests send 100 MB).
    context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
    byte[] buffer = new byte[64 * 1024];
    long total = 0, mismatches = 0;
    int read;
    while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
    {
        mismatches += Pattern.Check(buffer.AsSpan(0, read), total);
        total += read;
    }

    return new SinkReport(total, mismatches);
});

app.Run();

/// <summary>The byte at offset i of every body is i mod 251 (a prime, so no power-of-two boundary hides a shift).</summary>
internal static class Pattern
{
    public const int Period = 251;

    public static readonly byte[] Chunk = Enumerable.Range(0, Period * 256).Select(i => (byte)(i % Period)).ToArray();

    public static long Check(ReadOnlySpan<byte> data, long offset)
    {
        long bad = 0;
        int phase = (int)(offset % Period);
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] != phase)
            {
                bad++;
            }

            phase = phase == Period - 1 ? 0 : phase + 1;
        }

        return bad;
    }
}

internal sealed record NewItem(string Name, string[]? Tags, decimal Price);

internal sealed record Item(int Id, string Name, string[] Tags, decimal Price, DateTimeOffset Created);

internal sealed record ConfigReport(string Environment, string? Greeting, string[] Addresses);

internal sealed record SinkReport(long Bytes, long Mismatches);

[JsonSerializable(typeof(NewItem))]
[JsonSerializable(typeof(Item))]
[JsonSerializable(typeof(Item[]))]
[JsonSerializable(typeof(ConfigReport))]
[JsonSerializable(typeof(SinkReport))]
internal sealed partial class WebJson : JsonSerializerContext;
