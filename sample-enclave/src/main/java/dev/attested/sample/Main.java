package dev.attested.sample;

import dev.attested.attestation.AttestationException;
import dev.attested.attestation.AttestationVerifier;
import dev.attested.kms.RecipientCms;
import dev.attested.nsm.Nsm;
import dev.attested.nsm.NsmException;
import dev.attested.testkit.NsmSimulator;
import dev.attested.nsm.ffm.FfmNsm;
import dev.attested.nsm.ffm.Forwarder;
import dev.attested.nsm.ffm.NsmSecureRandom;
import dev.attested.nsm.ffm.Transport;
import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Command line of the sample.
 *
 * <pre>
 * demo    [--tamper=none|pcrs|replay|debug] [--manifest=pcr-manifest.json] [--secret=text]
 * enclave [--transport=vsock|tcp] [--port=5000] [--host=127.0.0.1] [--nsm=device|simulator]
 * parent  --manifest=pcr-manifest.json --secret-file=FILE [--transport=vsock|tcp] [--cid=CID] [--host=H]
 *         [--port=5000] [--root=root.pem]
 * kms-decrypt --ciphertext=BASE64 [--key-id=ID] [--region=us-east-1] [--endpoint=URL] [--proxy-port=8000]
 *         [--local-port=443] [--aws-access-key-id=… --aws-secret-access-key=… [--aws-session-token=…]]
 *         [--nsm=device|simulator]
 * </pre>
 * Exit status: 0 on success (for {@code demo}: the scenario ended as it must), 1 on failure, 2 on usage errors.
 */
public final class Main {
    /** Where {@code attestation:build-eif} writes the manifest, relative to the module directory. */
    static final String BUILT_MANIFEST = "target/attestation/pcr-manifest.json";

    private Main() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0) {
            return usage("missing command");
        }
        Map<String, String> o = options(args);
        if (o == null) {
            return usage("options are --name=value");
        }
        return switch (args[0]) {
            case "demo" -> demo(o);
            case "enclave" -> enclave(o);
            case "parent" -> parent(o);
            case "kms-decrypt" -> kmsDecrypt(o);
            default -> usage("unknown command " + args[0]);
        };
    }

    private static int demo(Map<String, String> o) throws IOException {
        LocalDemo.Tamper tamper = LocalDemo.Tamper.parse(o.getOrDefault("tamper", "none"));
        PcrManifest manifest;
        Path built = Path.of(BUILT_MANIFEST);
        if (o.containsKey("manifest")) {
            manifest = PcrManifest.read(Path.of(o.get("manifest")));
            System.out.println("using the PCR manifest " + o.get("manifest"));
        } else if (Files.isRegularFile(built)) {
            manifest = PcrManifest.read(built);
            System.out.println("using the EIF's PCR manifest " + built.toAbsolutePath() + " (written by build-eif)");
        } else {
            manifest = LocalManifest.create();
            System.out.println("no EIF built (" + BUILT_MANIFEST + " absent) and no --manifest given: using the sample's"
                    + " local-mode manifest, whose PCR0/1/2 measure placeholder contents, not a built image");
        }
        byte[] secret = o.getOrDefault("secret", "s3cr3t database password").getBytes(StandardCharsets.UTF_8);
        LocalDemo.Outcome outcome = LocalDemo.run(tamper, manifest, secret, System.out);
        boolean ok = outcome.asExpected(tamper);
        System.out.println(ok ? "demo: OK (" + (tamper == LocalDemo.Tamper.NONE ? "secret delivered"
                : "attack detected with " + tamper.expected()) + ")" : "demo: UNEXPECTED OUTCOME");
        return ok ? 0 : 1;
    }

    private static int enclave(Map<String, String> o) throws IOException {
        int port = Integer.parseInt(o.getOrDefault("port", "5000"));
        boolean simulated = o.getOrDefault("nsm", "device").equals("simulator");
        Nsm nsm;
        SecureRandom random;
        if (simulated) {
            nsm = NsmSimulator.builder().manifest(LocalManifest.create()).build();
            random = new SecureRandom();
        } else {
            FfmNsm device = FfmNsm.open();
            Security.insertProviderAt(NsmSecureRandom.provider(device), 1);
            nsm = device;
            random = new SecureRandom(); // the NSM provider is now the first SecureRandom
        }
        Transport transport = o.getOrDefault("transport", "vsock").equals("tcp")
                ? Transport.tcp(o.getOrDefault("host", "127.0.0.1"), port) : Transport.vsock(-1, port);
        try (EnclaveServer server = new EnclaveServer(nsm, transport, random, System.out::println,
                s -> System.out.println("enclave: holding a " + s.length + "-byte secret"))) {
            System.out.println("enclave: serving on " + transport + " with " + (simulated ? "the NSM simulator" : nsm));
            server.serve();
        }
        return 0;
    }

    private static int parent(Map<String, String> o) throws IOException, CertificateException {
        if (!o.containsKey("manifest") || !o.containsKey("secret-file")) {
            return usage("parent needs --manifest and --secret-file");
        }
        int port = Integer.parseInt(o.getOrDefault("port", "5000"));
        Transport transport = o.getOrDefault("transport", "vsock").equals("tcp")
                ? Transport.tcp(o.getOrDefault("host", "127.0.0.1"), port)
                : Transport.vsock(Integer.parseInt(o.getOrDefault("cid", "16")), port);
        AttestationVerifier.Builder verifier = AttestationVerifier.builder();
        if (o.containsKey("root")) {
            verifier.trustAnchor(readCertificate(Path.of(o.get("root"))));
        }
        PcrManifest manifest = PcrManifest.read(Path.of(o.get("manifest")));
        byte[] secret = Files.readAllBytes(Path.of(o.get("secret-file")));
        try {
            new ParentClient(transport, verifier.build(), manifest.pcrValues(), new SecureRandom(), System.out::println)
                    .deliver(secret);
            return 0;
        } catch (AttestationException e) {
            System.err.println("parent: the enclave's document was rejected: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The attested KMS Decrypt of {@code kmstool-enclave-cli decrypt}, in Java: prints {@code PLAINTEXT: <base64>}.
     * With {@code --proxy-port} (default 8000) a forwarder from 127.0.0.1:{@code local-port} to the parent's
     * vsock-proxy (CID 3) is started; map the KMS host name to 127.0.0.1 in the enclave's /etc/hosts so TLS
     * still verifies {@code kms.<region>.amazonaws.com}.
     */
    private static int kmsDecrypt(Map<String, String> o) throws IOException {
        if (!o.containsKey("ciphertext")) {
            return usage("kms-decrypt needs --ciphertext=BASE64");
        }
        String region = o.getOrDefault("region", "us-east-1");
        URI endpoint = URI.create(o.getOrDefault("endpoint", "https://kms." + region + ".amazonaws.com"));
        int proxyPort = Integer.parseInt(o.getOrDefault("proxy-port", "8000"));
        AwsCredentialsProvider credentials;
        if (o.containsKey("aws-access-key-id")) {
            String id = o.get("aws-access-key-id");
            String key = o.getOrDefault("aws-secret-access-key", "");
            credentials = StaticCredentialsProvider.create(o.containsKey("aws-session-token")
                    ? AwsSessionCredentials.create(id, key, o.get("aws-session-token"))
                    : AwsBasicCredentials.create(id, key));
        } else {
            credentials = DefaultCredentialsProvider.builder().build();
        }
        boolean simulated = o.getOrDefault("nsm", "device").equals("simulator");
        Nsm nsm = simulated ? NsmSimulator.builder().manifest(LocalManifest.create()).build() : FfmNsm.open();
        Forwarder forwarder = proxyPort == 0 ? null : Forwarder.start(
                Transport.tcp("127.0.0.1", Integer.parseInt(o.getOrDefault("local-port", "443"))),
                Transport.vsock(3, proxyPort), System.err::println);
        try (KmsClient kms = KmsRecipientDecrypt.client(region, endpoint, credentials)) {
            byte[] plaintext = new KmsRecipientDecrypt(kms, nsm, new SecureRandom())
                    .decrypt(Base64.getDecoder().decode(o.get("ciphertext")), o.get("key-id"));
            System.out.println("PLAINTEXT: " + Base64.getEncoder().encodeToString(plaintext));
            return 0;
        } catch (SdkException | RecipientCms.RecipientCmsException | NsmException e) {
            System.err.println("kms-decrypt: " + e.getMessage());
            return 1;
        } finally {
            if (forwarder != null) {
                forwarder.close();
            }
        }
    }

    private static X509Certificate readCertificate(Path pem) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 3) {
                return null;
            }
            o.put(a.substring(2, eq), a.substring(eq + 1));
        }
        return o;
    }

    private static int usage(String problem) {
        System.err.println("sample-enclave: " + problem);
        System.err.println("""
                usage:
                  demo    [--tamper=none|pcrs|replay|debug] [--manifest=pcr-manifest.json] [--secret=text]
                  enclave [--transport=vsock|tcp] [--port=5000] [--host=127.0.0.1] [--nsm=device|simulator]
                  parent  --manifest=pcr-manifest.json --secret-file=FILE [--transport=vsock|tcp] [--cid=16]
                          [--host=127.0.0.1] [--port=5000] [--root=root.pem]
                  kms-decrypt --ciphertext=BASE64 [--key-id=ID] [--region=us-east-1] [--endpoint=URL]
                          [--proxy-port=8000] [--local-port=443] [--aws-access-key-id=… --aws-secret-access-key=…
                          [--aws-session-token=…]] [--nsm=device|simulator]""");
        return 2;
    }
}
