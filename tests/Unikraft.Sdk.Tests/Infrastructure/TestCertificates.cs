// TLS certificates made at test time (never committed): a CA of this test run and a server certificate for
// localhost and 127.0.0.1 that it signed, written once per run for images that bundle them: as PEM files and as a
// password-protected PKCS#12 (PFX) file.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Unikraft.Sdk.Tests.Infrastructure;

internal static class TestCertificates
{
    private static readonly Lazy<(string Server, string CaFile)> Made = new(Make);

    /// <summary>The password of the server's server.pfx.</summary>
    public const string PfxPassword = "unikraft-test";

    /// <summary>
    /// A folder holding only the server's cert.pem and key.pem (PKCS#8), and the same certificate and key as server.pfx
    /// (PKCS#12, AES-256 encrypted with <see cref="PfxPassword"/>), to bundle into an image.
    /// </summary>
    public static string ServerFolder => Made.Value.Server;

    /// <summary>The CA certificate (PEM) that clients trust, e.g. curl --cacert.</summary>
    public static string CaFile => Made.Value.CaFile;

    private static (string, string) Make()
    {
        string folder = TestRun.Folder("certificates");
        string server = Path.Combine(folder, "server");
        Directory.CreateDirectory(server);
        DateTimeOffset now = DateTimeOffset.UtcNow;

        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Unikraft.Sdk test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));

        using ECDsa serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using X509Certificate2 certificate = request.Create(ca, now.AddDays(-1), now.AddDays(7), RandomNumberGenerator.GetBytes(16));

        File.WriteAllText(Path.Combine(server, "cert.pem"), certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(server, "key.pem"), serverKey.ExportPkcs8PrivateKeyPem() + "\n");
        using X509Certificate2 withKey = certificate.CopyWithPrivateKey(serverKey);
        File.WriteAllBytes(Path.Combine(server, "server.pfx"), withKey.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, PfxPassword));
        string caFile = Path.Combine(folder, "ca.pem");
        File.WriteAllText(caFile, ca.ExportCertificatePem() + "\n");
        return (server, caFile);
    }
}
