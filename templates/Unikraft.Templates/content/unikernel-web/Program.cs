// A minimal web API that boots as a unikernel. Kestrel listens on port 8080 (appsettings.json: HTTP_PORTS; set
// ASPNETCORE_URLS or Kestrel:Endpoints to change it), every request is logged on the console, and JSON is
// serialised by source-generated code (AppJsonContext), as NativeAOT needs.
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.HttpLogging;

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
builder.Services.AddHealthChecks();
builder.Services.AddHttpLogging(options =>
{
    // One line per request: method, path, status and duration.
    options.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath |
        HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
    options.CombineLogs = true;
});

WebApplication app = builder.Build();
app.UseHttpLogging();

Todo[] todos =
[
    new(1, "Boot a unikernel", DateOnly.FromDateTime(DateTime.UtcNow), IsComplete: true),
    new(2, "Serve JSON from it"),
    new(3, "Measure the start-up", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1))),
];

app.MapGet("/", () => new Greeting("Hello from a .NET unikernel!", RuntimeInformation.RuntimeIdentifier, app.Environment.EnvironmentName));
app.MapHealthChecks("/health");

RouteGroupBuilder todosApi = app.MapGroup("/todos");
todosApi.MapGet("/", () => todos);
todosApi.MapGet("/{id:int}", (int id) => todos.FirstOrDefault(t => t.Id == id) is { } todo ? Results.Ok(todo) : Results.NotFound());

app.Run();

public sealed record Greeting(string Message, string RuntimeIdentifier, string Environment);

public sealed record Todo(int Id, string Title, DateOnly? DueBy = null, bool IsComplete = false);

[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(Todo[]))]
internal sealed partial class AppJsonContext : JsonSerializerContext;
