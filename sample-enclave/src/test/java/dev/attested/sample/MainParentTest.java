package dev.attested.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.attested.testkit.NsmSimulator;
import dev.attested.nsm.ffm.Transport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code parent} command as a user runs it: manifest file, secret file, root certificate file. */
class MainParentTest {

    @Test
    void parentDeliversTheSecretFileToAnEnclaveThatMatchesTheManifest(@TempDir Path dir) throws Exception {
        NsmSimulator nsm = NsmSimulator.builder().manifest(LocalManifest.create()).build();
        Path manifest = dir.resolve("pcr-manifest.json");
        LocalManifest.create().write(manifest);
        Path secret = dir.resolve("secret.bin");
        Files.write(secret, "a data key".getBytes(StandardCharsets.UTF_8));
        Path root = dir.resolve("root.pem");
        Files.writeString(root, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(nsm.pki().root().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (EnclaveServer server = new EnclaveServer(nsm, Transport.tcp("127.0.0.1", 0), new SecureRandom(), s -> { },
                s -> received.set(s.clone()))) {
            server.start();
            int status = Main.run(new String[] {"parent", "--transport=tcp", "--host=127.0.0.1",
                "--port=" + server.port(), "--manifest=" + manifest, "--secret-file=" + secret, "--root=" + root});
            assertEquals(0, status);
        }
        assertArrayEquals("a data key".getBytes(StandardCharsets.UTF_8), received.get());
    }

    @Test
    void parentRefusesAnEnclaveSignedUnderAnotherRoot(@TempDir Path dir) throws Exception {
        NsmSimulator nsm = NsmSimulator.builder().manifest(LocalManifest.create()).build();
        Path manifest = dir.resolve("pcr-manifest.json");
        LocalManifest.create().write(manifest);
        Path secret = dir.resolve("secret.bin");
        Files.write(secret, new byte[] {1});
        try (EnclaveServer server = new EnclaveServer(nsm, Transport.tcp("127.0.0.1", 0), new SecureRandom(), s -> { },
                s -> { })) {
            server.start();
            // No --root: the default trust anchor is the AWS Nitro Enclaves root, which did not sign simulator documents.
            int status = Main.run(new String[] {"parent", "--transport=tcp", "--port=" + server.port(),
                "--manifest=" + manifest, "--secret-file=" + secret});
            assertEquals(1, status);
        }
    }
}
