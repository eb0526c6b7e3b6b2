// ASP.NET Core on the unikernel: tests/apps/Web (Kestrel, minimal APIs, source-generated JSON) published once per
// RID and booted on QEMU's user network, its ports 8080 (HTTP/1.1 and HTTP/2) and 8081 (HTTP/2 only, h2c with
// prior knowledge) forwarded to the host's loopback, where HttpClient and raw sockets talk to it. Each test stops
// the app with POST /shutdown, so the VM powers off with the program's exit code 0 and the console log is checked.
// The image bundles a TLS certificate made for the test run (Infrastructure/TestCertificates) at /certs: the HTTPS
// test turns on an https endpoint with it through environment variables, and curl checks it from the host.
// arm64 runs under TCG with every instruction emulated: it gets the same requests with smaller sizes.
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Unikraft.Sdk.Tests.Boot;

[TestClass]
[TestCategory("Boot")]
public sealed class WebTests
{
    private static readonly TimeSpan StartWait = TimeSpan.FromMinutes(3);

    public static IEnumerable<object[]> Arches => BootTarget.Rows(BootTarget.QemuX64, BootTarget.QemuArm64);

    /// <summary>JSON GET and POST, 404, configuration from the bundled appsettings.json, h2c, and a malformed request that gets 400 while the VM keeps serving.</summary>
    [TestMethod]
    [DynamicData(nameof(Arches))]
    public async Task GivenTheWebApp_JsonRequestsH2cAndMalformedHttpAreServed(string rid)
    {
        await using var vm = WebVm.Start(BootTarget.Of(rid));
        using HttpClient http = vm.Client();
        await vm.WaitUntilServingAsync();

        using HttpResponseMessage created = await http.PostAsJsonAsync("/items", new { name = "kettle", tags = new[] { "kitchen", "steel" }, price = 24.5m });
        using HttpResponseMessage second = await http.PostAsJsonAsync("/items", new { name = "mug", price = 3m });
        JsonElement one = await http.GetFromJsonAsync<JsonElement>("/items/1");
        JsonElement all = await http.GetFromJsonAsync<JsonElement>("/items");
        using HttpResponseMessage missing = await http.GetAsync("/items/99");
        JsonElement config = await http.GetFromJsonAsync<JsonElement>("/config");
        string malformed = RawRequest(vm.HttpPort, "GET / HTTP/1.1\r\nHost: \u0001bad\r\nno colon here\r\n\r\n");
        string health = await http.GetStringAsync("/health");
        using HttpClient h2c = vm.Client(vm.H2cPort);
        using var h2Request = new HttpRequestMessage(HttpMethod.Get, "/protocol") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using HttpResponseMessage h2 = await h2c.SendAsync(h2Request);
        CommandResult result = await vm.ShutdownAsync();

        Assert.AreEqual(HttpStatusCode.Created, created.StatusCode, result.ToString());
        Assert.AreEqual("/items/1", created.Headers.Location?.OriginalString);
        Assert.AreEqual("application/json; charset=utf-8", created.Content.Headers.ContentType?.ToString());
        Assert.AreEqual(HttpStatusCode.Created, second.StatusCode);
        Assert.AreEqual("kettle", one.GetProperty("name").GetString());
        Assert.AreEqual(24.5m, one.GetProperty("price").GetDecimal());
        Assert.AreEqual("kitchen,steel", string.Join(',', one.GetProperty("tags").EnumerateArray().Select(t => t.GetString())));
        Assert.AreEqual("kettle,mug", string.Join(',', all.EnumerateArray().Select(i => i.GetProperty("name").GetString())));
        Assert.AreEqual(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.AreEqual("Production", config.GetProperty("environment").GetString());
        Assert.AreEqual("bundled appsettings.json", config.GetProperty("greeting").GetString());
        Assert.AreEqual("http://[::]:8080,http://[::]:8081", string.Join(',', config.GetProperty("addresses").EnumerateArray().Select(a => a.GetString())));
        StringAssert.StartsWith(malformed, "HTTP/1.1 400 Bad Request\r\n", result.ToString());
        Assert.AreEqual("Healthy", health, "the VM keeps serving after the malformed request");
        Assert.AreEqual(HttpVersion.Version20, h2.Version);
        Assert.AreEqual("HTTP/2", await h2.Content.ReadAsStringAsync());
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "Now listening on: http://[::]:8080");
        StringAssert.Contains(result.Output, "HTTP/1.1 POST /items -> 201");
        StringAssert.Contains(result.Output, "HTTP/1.1 GET /items/99 -> 404");
        StringAssert.Contains(result.Output, "HTTP/2 GET /protocol -> 200");
        StringAssert.Contains(result.Output, "Application is shutting down...");
    }

    public static IEnumerable<object[]> Loads =>
    [
        BootTarget.Row(BootTarget.QemuX64, new Load(BootTarget.QemuX64, Connections: 200, BodyBytes: 100L << 20), "GivenManyKeepAliveConnectionsAndLargeBodies_AllAreServed"),
        BootTarget.Row(BootTarget.QemuArm64, new Load(BootTarget.QemuArm64, Connections: 50, BodyBytes: 16L << 20), "GivenManyKeepAliveConnectionsAndLargeBodies_AllAreServed"),
    ];

    public sealed record Load(string Rid, int Connections, long BodyBytes)
    {
        public override string ToString() => $"{Rid}, {Connections} connections, {BodyBytes >> 20} MiB";
    }

    /// <summary>
    /// Many keep-alive connections at once, each making several requests on its one connection, then a large response
    /// and a large request body streamed through Kestrel (the pattern checked byte for byte on both ends).
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Loads))]
    public async Task GivenManyKeepAliveConnectionsAndLargeBodies_AllAreServed(Load load)
    {
        const int RequestsPerConnection = 5;
        await using var vm = WebVm.Start(BootTarget.Of(load.Rid));
        using HttpClient http = vm.Client();
        await vm.WaitUntilServingAsync();

        // One handler per client: each client is one connection (MaxConnectionsPerServer = 1) that stays open. They
        // open a few at a time: QEMU's user network accepts the host's connections from a listen backlog of 1, so a
        // burst of hundreds overflows the host kernel's accept queue and some never reach the guest (the host drops
        // them, not the VM). Then every connection, all open at once, makes its other requests concurrently.
        var clients = Enumerable.Range(0, load.Connections).Select(_ => vm.Client(maxConnections: 1)).ToArray();
        using var opening = new SemaphoreSlim(4);
        string[] first = await Task.WhenAll(clients.Select(async client =>
        {
            await opening.WaitAsync();
            try
            {
                return await client.GetStringAsync("/connection");
            }
            finally
            {
                opening.Release();
            }
        }));
        string[][] ids = await Task.WhenAll(clients.Select(async (client, c) =>
        {
            var seen = new string[RequestsPerConnection];
            seen[0] = first[c];
            for (int i = 1; i < RequestsPerConnection; i++)
            {
                seen[i] = await client.GetStringAsync("/connection");
            }

            return seen;
        }));
        foreach (HttpClient client in clients)
        {
            client.Dispose();
        }

        (long downloaded, long badDownloaded) = await DownloadAsync(http, load.BodyBytes);
        using var upload = new StreamContent(new PatternStream(load.BodyBytes));
        upload.Headers.ContentLength = load.BodyBytes;
        using HttpResponseMessage sink = await http.PostAsync("/sink", upload);
        JsonElement sunk = await sink.Content.ReadFromJsonAsync<JsonElement>();
        CommandResult result = await vm.ShutdownAsync();

        Assert.IsTrue(ids.All(seen => seen.Distinct().Count() == 1), "every client kept its one connection:\n" + result);
        Assert.AreEqual(load.Connections, ids.Select(seen => seen[0]).Distinct().Count(), "the connections are distinct");
        Assert.AreEqual(load.BodyBytes, downloaded, result.ToString());
        Assert.AreEqual(0, badDownloaded, "the response body arrived intact");
        Assert.AreEqual(HttpStatusCode.OK, sink.StatusCode, result.ToString());
        Assert.AreEqual(load.BodyBytes, sunk.GetProperty("bytes").GetInt64(), result.ToString());
        Assert.AreEqual(0, sunk.GetProperty("mismatches").GetInt64(), "the request body arrived intact");
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, $"HTTP/1.1 GET /bytes/{load.BodyBytes} -> 200");
        StringAssert.Contains(result.Output, "HTTP/1.1 POST /sink -> 200");
    }

    /// <summary>
    /// Configuration the ASP.NET Core way from the kernel command line's env.NAME=value: the environment picks the
    /// bundled appsettings.Staging.json, a Kestrel endpoint moves to another port, a log level silences a category.
    /// </summary>
    [TestMethod]
    public async Task GivenEnvironmentVariables_TheAppIsConfiguredFromThem()
    {
        await using var vm = WebVm.Start(BootTarget.Of(BootTarget.QemuX64), guestHttpPort: 9090,
            "env.ASPNETCORE_ENVIRONMENT=Staging env.Kestrel__Endpoints__Http__Url=http://*:9090 env.Logging__LogLevel__Web=Warning");
        using HttpClient http = vm.Client();
        await vm.WaitUntilServingAsync();

        JsonElement config = await http.GetFromJsonAsync<JsonElement>("/config");
        CommandResult result = await vm.ShutdownAsync();

        Assert.AreEqual("Staging", config.GetProperty("environment").GetString(), result.ToString());
        Assert.AreEqual("bundled appsettings.Staging.json", config.GetProperty("greeting").GetString());
        Assert.AreEqual("http://[::]:8081,http://[::]:9090", string.Join(',', config.GetProperty("addresses").EnumerateArray().Select(a => a.GetString())));
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "Hosting environment: Staging");
        StringAssert.Contains(result.Output, "Now listening on: http://[::]:9090");
        Assert.DoesNotContain("Web.Requests", result.Output, "Logging__LogLevel__Web=Warning silences the request log");
    }

    /// <summary>
    /// HTTPS: a Kestrel endpoint on 8443 configured by environment variables with the bundled PEM certificate and key,
    /// TLS through the image's OpenSSL. curl on the host verifies the chain against the test's CA, gets HTTP/2 by ALPN
    /// over TLS 1.3, and HTTP/1.1 over TLS 1.2; HttpClient posts JSON over HTTP/2.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(Arches))]
    public async Task GivenACertificate_KestrelServesTlsAndHttp2ByAlpn(string rid)
    {
        HostTools.Require("curl");
        await using var vm = WebVm.Start(BootTarget.Of(rid), kernelArgs: "env.Kestrel__Endpoints__Https__Url=https://*:8443 " +
            "env.Kestrel__Endpoints__Https__Certificate__Path=/certs/cert.pem env.Kestrel__Endpoints__Https__Certificate__KeyPath=/certs/key.pem");
        using HttpClient http = vm.Client();
        await vm.WaitUntilServingAsync();

        string url = $"https://localhost:{vm.HttpsPort}/protocol";
        string[] common = ["-sS", "--max-time", "60", "--cacert", TestCertificates.CaFile, "--resolve", $"localhost:{vm.HttpsPort}:127.0.0.1",
            "-w", "\n%{http_version} %{ssl_verify_result}"];
        CommandResult h2 = Command.Run("curl", [.. common, "--http2", "--tlsv1.3", url], timeout: TimeSpan.FromMinutes(2));
        CommandResult tls12 = Command.Run("curl", [.. common, "--http1.1", "--tlsv1.2", "--tls-max", "1.2", url], timeout: TimeSpan.FromMinutes(2));
        CommandResult untrusted = Command.Run("curl", ["-sS", "--max-time", "60", "--resolve", $"localhost:{vm.HttpsPort}:127.0.0.1", url], timeout: TimeSpan.FromMinutes(2));
        string expected = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            File.ReadAllText(Path.Combine(TestCertificates.ServerFolder, "cert.pem"))).GetCertHashString();
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == expected;
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{vm.HttpsPort}"), DefaultRequestVersion = HttpVersion.Version20 };
        using var post = new HttpRequestMessage(HttpMethod.Post, "/items") { Content = JsonContent.Create(new { name = "over tls", price = 1m }), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using HttpResponseMessage posted = await https.SendAsync(post);
        CommandResult result = await vm.ShutdownAsync();

        Assert.AreEqual(0, h2.ExitCode, h2 + "\n" + result);
        Assert.AreEqual("HTTP/2\n2 0", h2.Output.Trim(), "h2 by ALPN, the chain verified");
        Assert.AreEqual(0, tls12.ExitCode, tls12 + "\n" + result);
        Assert.AreEqual("HTTP/1.1\n1.1 0", tls12.Output.Trim());
        Assert.AreNotEqual(0, untrusted.ExitCode, "without the test's CA curl refuses the certificate");
        Assert.AreEqual(HttpStatusCode.Created, posted.StatusCode, result.ToString());
        Assert.AreEqual(HttpVersion.Version20, posted.Version);
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "Now listening on: https://[::]:8443");
        StringAssert.Contains(result.Output, "HTTP/2 GET /protocol -> 200");
        StringAssert.Contains(result.Output, "HTTP/1.1 GET /protocol -> 200");
        StringAssert.Contains(result.Output, "HTTP/2 POST /items -> 201");
    }

    /// <summary>
    /// HTTPS with the certificate and key in one password-protected PKCS#12 file, as Kestrel's configuration takes it
    /// (Certificate:Path and Certificate:Password): the image's OpenSSL decrypts it and curl verifies the chain.
    /// </summary>
    [TestMethod]
    public async Task GivenAPfxCertificate_KestrelServesTls()
    {
        HostTools.Require("curl");
        await using var vm = WebVm.Start(BootTarget.Of(BootTarget.QemuX64), kernelArgs: "env.Kestrel__Endpoints__Https__Url=https://*:8443 " +
            $"env.Kestrel__Endpoints__Https__Certificate__Path=/certs/server.pfx env.Kestrel__Endpoints__Https__Certificate__Password={TestCertificates.PfxPassword}");
        await vm.WaitUntilServingAsync();

        CommandResult h2 = Command.Run("curl", ["-sS", "--max-time", "60", "--cacert", TestCertificates.CaFile, "--resolve", $"localhost:{vm.HttpsPort}:127.0.0.1",
            "-w", "\n%{http_version} %{ssl_verify_result}", "--http2", $"https://localhost:{vm.HttpsPort}/protocol"], timeout: TimeSpan.FromMinutes(2));
        CommandResult result = await vm.ShutdownAsync();

        Assert.AreEqual(0, h2.ExitCode, h2 + "\n" + result);
        Assert.AreEqual("HTTP/2\n2 0", h2.Output.Trim(), "h2 by ALPN, the chain of the PFX's certificate verified");
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Output, "Now listening on: https://[::]:8443");
    }

    private static async Task<(long Bytes, long Mismatches)> DownloadAsync(HttpClient http, long count)
    {
        using HttpResponseMessage response = await http.GetAsync($"/bytes/{count}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using Stream body = await response.Content.ReadAsStreamAsync();
        byte[] buffer = new byte[64 * 1024];
        long total = 0, bad = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)((total + i) % PatternStream.Period))
                {
                    bad++;
                }
            }

            total += read;
        }

        return (total, bad);
    }

    /// <summary>Sends <paramref name="request"/> on a socket of its own and returns everything the server answers until it closes.</summary>
    private static string RawRequest(int port, string request)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        client.ReceiveTimeout = 60_000;
        using NetworkStream stream = client.GetStream();
        stream.Write(Encoding.Latin1.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.Latin1);
        return reader.ReadToEnd();
    }

    /// <summary>A read-only stream of <c>length</c> bytes whose byte at offset i is i mod 251 (the Web app's pattern).</summary>
    private sealed class PatternStream(long length) : Stream
    {
        public const int Period = 251;
        private long position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(buffer.Length, length - position);
            for (int i = 0; i < n; i++)
            {
                buffer[i] = (byte)((position + i) % Period);
            }

            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>The Web app booted in the background with its HTTP ports forwarded to free ports of the host's loopback.</summary>
    private sealed class WebVm : IAsyncDisposable
    {
        private readonly Task<CommandResult> run;
        private bool stopped;

        private WebVm(Task<CommandResult> run, int httpPort, int h2cPort, int httpsPort)
        {
            this.run = run;
            HttpPort = httpPort;
            H2cPort = h2cPort;
            HttpsPort = httpsPort;
        }

        /// <summary>The host's ports forwarded to the guest's HTTP port (8080 unless moved), 8081 (h2c) and 8443 (HTTPS, when configured).</summary>
        public int HttpPort { get; }

        public int H2cPort { get; }

        public int HttpsPort { get; }

        public static WebVm Start(BootTarget target, int guestHttpPort = 8080, string kernelArgs = "")
        {
            target.RequireHelloBoots();
            // One image per RID for every test: it always bundles this run's certificate.
            string image = target.Image("Web", new Dictionary<string, string> { ["WebTestCertificates"] = TestCertificates.ServerFolder });
            int httpPort = FreePort(), h2cPort = FreePort(), httpsPort = FreePort();
            string[] options =
            [
                "--net", "user", "--forward", $"{httpPort}:{guestHttpPort}", "--forward", $"{h2cPort}:8081", "--forward", $"{httpsPort}:8443",
                "--memory", "512M", .. kernelArgs.Length > 0 ? new[] { "--kernel-args", kernelArgs } : [],
            ];
            Task<CommandResult> run = Task.Run(() => target.Launch(image, options, [], timeout: TimeSpan.FromMinutes(10)));
            return new WebVm(run, httpPort, h2cPort, httpsPort);
        }

        public HttpClient Client(int? port = null, int maxConnections = int.MaxValue) =>
            new(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port ?? HttpPort}"),
                Timeout = TimeSpan.FromMinutes(5),
            };

        /// <summary>
        /// Polls /health until it answers (slirp accepts connections before the guest listens and then drops them),
        /// failing with the console output when the VM ends first or does not serve within the start-up wait.
        /// </summary>
        public async Task WaitUntilServingAsync()
        {
            using HttpClient probe = Client();
            probe.Timeout = TimeSpan.FromSeconds(10);
            DateTime deadline = DateTime.UtcNow + StartWait;
            while (true)
            {
                if (run.IsCompleted)
                {
                    Assert.Fail($"the VM ended before it served:\n{run.Result}");
                }

                try
                {
                    if (await probe.GetStringAsync("/health") == "Healthy")
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }

                if (DateTime.UtcNow > deadline)
                {
                    stopped = true;
                    await StopAsync();
                    Assert.Fail($"the app did not serve /health within {StartWait}:\n{await run}");
                }

                await Task.Delay(250);
            }
        }

        /// <summary>POST /shutdown: the app stops, the program exits and the VM powers off; its result.</summary>
        public async Task<CommandResult> ShutdownAsync()
        {
            await StopAsync();
            stopped = true;
            return await run.WaitAsync(TimeSpan.FromMinutes(2));
        }

        public async ValueTask DisposeAsync()
        {
            if (!stopped)
            {
                await StopAsync();
                try
                {
                    await run.WaitAsync(TimeSpan.FromMinutes(2));
                }
                catch (TimeoutException)
                {
                }
            }
        }

        private async Task StopAsync()
        {
            using HttpClient http = Client();
            try
            {
                (await http.PostAsync("/shutdown", null)).Dispose();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
        }

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
    }
}
