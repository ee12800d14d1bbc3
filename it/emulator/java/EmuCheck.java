import dev.attested.attestation.AttestationDocuments;
import dev.attested.attestation.AttestationException;
import dev.attested.attestation.AttestationVerifier;
import dev.attested.attestation.Expectations;
import dev.attested.attestation.UnverifiedDocument;
import dev.attested.nsm.NsmCodec;
import dev.attested.nsm.NsmResponse;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Host side of the emulator tests: gets the NSM responses an enclave produced (from the console log or over
 * the vsock backend's Unix socket, default $EMU_VSOCK_UDS as boot.sh sets it for its client) and checks them against the PCR manifest of the booted EIF.
 *
 * <pre>
 * java -cp CORE_CLASSPATH it/emulator/java/EmuCheck.java --manifest pcr-manifest.json
 *      (--console console.log [--nonce HEX] | --document DOC.b64 [--nonce HEX] | [--uds vm.vsock] [--port 5000])
 *      [--parent-role ARN] [--parent-id ID] [--module-id ID] [--user-data TEXT] [--public-key HEX]
 *      [--protocol probe|sample]
 *      [--deadline SECONDS]   (how long to retry the vsock connection while the enclave boots; default 600)
 * </pre>
 *
 * The document is read with the core's parse-only API ({@link UnverifiedDocument}); QEMU's documents are not
 * signed, and the check also asserts that the real verifier rejects them (no bypass). Prints one line per
 * check and exits 1 if any failed. Over vsock it speaks the nsm-probe protocol: it sends a fresh 32-byte nonce
 * (u32 big-endian length + bytes) and reads the length-prefixed Attestation and DescribeNSM responses; with
 * {@code --protocol sample} it speaks the sample enclave's protocol (a NONCE frame, answered by a DOCUMENT
 * frame) and checks that the document binds a public key. With {@code --document} it reads one document, as base64
 * text (what {@code attested nsm attest} printed inside the enclave), and checks it without a DescribeNSM response.
 */
public final class EmuCheck {
    private static final HexFormat HEX = HexFormat.of();
    private int failures;

    public static void main(String[] args) throws Exception {
        System.exit(new EmuCheck().run(args));
    }

    private int run(String[] args) throws Exception {
        Path manifest = null, console = null, uds = null, documentFile = null;
        int port = 5000;
        boolean sample = false;
        long deadlineSeconds = 600;
        String nonceHex = null, role = null, parentId = null, moduleId = null, userData = null, publicKeyHex = null;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : fail("missing value after " + args[i]);
            switch (args[i]) {
                case "--manifest" -> manifest = Path.of(v);
                case "--console" -> console = Path.of(v);
                case "--document" -> documentFile = Path.of(v);
                case "--public-key" -> publicKeyHex = v;
                case "--uds" -> uds = Path.of(v);
                case "--port" -> port = Integer.parseInt(v);
                case "--deadline" -> deadlineSeconds = Long.parseLong(v);
                case "--nonce" -> nonceHex = v;
                case "--parent-role" -> role = v;
                case "--parent-id" -> parentId = v;
                case "--module-id" -> moduleId = v;
                case "--user-data" -> userData = v;
                case "--protocol" -> sample = switch (v) {
                    case "probe" -> false;
                    case "sample" -> true;
                    default -> fail("--protocol is probe or sample");
                };
                default -> fail("unknown option " + args[i]);
            }
        }
        if (console == null && uds == null && documentFile == null && System.getenv("EMU_VSOCK_UDS") != null) {
            uds = Path.of(System.getenv("EMU_VSOCK_UDS")); // set by boot.sh for its client
        }
        int sources = (console == null ? 0 : 1) + (uds == null ? 0 : 1) + (documentFile == null ? 0 : 1);
        if (manifest == null || sources != 1) {
            fail("usage: EmuCheck --manifest FILE (--console LOG [--nonce HEX] | --document DOC.b64 [--nonce HEX] | "
                    + "--uds SOCKET [--port N]) [--parent-role ARN] [--parent-id ID] [--module-id ID] "
                    + "[--user-data TEXT] [--public-key HEX]");
        }
        PcrManifest m = PcrManifest.read(manifest);
        byte[] attestResponse, describeResponse, nonce;
        if (documentFile != null) {
            // the core's reader, as `attested verify` reads it: bounded, then base64 (what the command printed)
            attestResponse = AttestationDocuments.decode(AttestationDocuments.read(documentFile));
            describeResponse = null;
            nonce = nonceHex == null ? new byte[0] : HEX.parseHex(nonceHex);
        } else if (console != null) {
            List<String> lines = Files.readAllLines(console, StandardCharsets.ISO_8859_1);
            attestResponse = hexLine(lines, "NSM-ATTEST ");
            describeResponse = hexLine(lines, "NSM-DESCRIBE ");
            nonce = nonceHex == null ? new byte[0] : HEX.parseHex(nonceHex);
        } else {
            nonce = new byte[32];
            new SecureRandom().nextBytes(nonce);
            byte[][] r = overVsock(uds, port, nonce, sample, deadlineSeconds * 1000);
            attestResponse = r[0];
            describeResponse = r[1];
        }
        boolean bare = sample || documentFile != null; // the document itself, not the device's NSM response
        byte[] document = bare ? attestResponse : response(attestResponse, NsmResponse.Attestation.class).document();
        UnverifiedDocument doc = UnverifiedDocument.parse(document);
        System.out.println("document: " + document.length + " bytes, module_id " + doc.moduleId() + ", alg "
                + doc.algorithm());

        SortedMap<Integer, Pcr> expected = new TreeMap<>(m.pcrValues());
        expected.put(3, role == null ? Pcr.zero() : Pcr.ofParentRoleArn(role));
        expected.put(4, parentId == null ? Pcr.zero() : Pcr.ofParentInstanceId(parentId));
        expected.putIfAbsent(8, Pcr.zero());
        for (var e : expected.entrySet()) {
            Pcr got = doc.pcr(e.getKey()).orElse(null);
            check("PCR" + e.getKey() + " = " + (e.getKey() <= 2 || e.getKey() == 8 && m.pcrs().containsKey(8)
                    ? "manifest" : e.getKey() == 3 && role != null ? "Pcr.ofParentRoleArn" : e.getKey() == 4
                    && parentId != null ? "Pcr.ofParentInstanceId" : "zero") + " " + e.getValue().hex(),
                    e.getValue().equals(got), got == null ? "absent" : got.hex());
        }
        check("document lists exactly the locked PCRs 0..15", new ArrayList<>(doc.pcrs().keySet()).equals(range16()),
                doc.pcrs().keySet().toString());
        check("nonce echoed (" + nonce.length + " bytes)", Arrays.equals(nonce, doc.nonce().orElse(new byte[0])),
                doc.nonce().map(HEX::formatHex).orElse("null"));
        if (userData != null) {
            check("user_data echoed", Arrays.equals(userData.getBytes(StandardCharsets.UTF_8),
                    doc.userData().orElse(null)), doc.userData().map(HEX::formatHex).orElse("null"));
        }
        if (moduleId != null) {
            check("module_id = " + moduleId, moduleId.equals(doc.moduleId()), doc.moduleId());
        } else {
            check("module_id present", doc.moduleId() != null && !doc.moduleId().isEmpty(), "none");
        }
        if (publicKeyHex != null) {
            check("public_key echoed (" + publicKeyHex.length() / 2 + " bytes)", Arrays.equals(HEX.parseHex(publicKeyHex),
                    doc.publicKey().orElse(null)), doc.publicKey().map(HEX::formatHex).orElse("null"));
        }
        if (documentFile != null) {
            return finish(document);
        }
        if (sample) {
            check("public_key bound (the enclave's ephemeral key)", doc.publicKey().isPresent(), "null");
            return finish(document);
        }
        NsmResponse.DescribeNsm describe = response(describeResponse, NsmResponse.DescribeNsm.class);
        check("DescribeNSM locked_pcrs = 0..15", new ArrayList<>(describe.lockedPcrs()).equals(range16()),
                describe.lockedPcrs().toString());
        check("DescribeNSM digest = SHA384", "SHA384".equals(describe.digest()), String.valueOf(describe.digest()));
        return finish(document);
    }

    private int finish(byte[] document) {
        try {
            // anyImage: whatever the PCRs, an unsigned (alg -1) document must never verify
            AttestationVerifier.builder().build().verify(document, Expectations.builder().anyImage().build());
            check("the verifier rejects the unsigned emulator document", false, "it was accepted");
        } catch (AttestationException e) {
            check("the verifier rejects the unsigned emulator document", true, e.code().name());
        }
        System.out.println(failures == 0 ? "EMU-CHECK PASS" : "EMU-CHECK FAIL (" + failures + " checks)");
        return failures == 0 ? 0 : 1;
    }

    private static List<Integer> range16() {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            r.add(i);
        }
        return r;
    }

    private void check(String what, boolean ok, String actual) {
        System.out.println((ok ? "ok    " : "FAIL  ") + what + (ok ? "" : " (found " + actual + ")"));
        if (!ok) {
            failures++;
        }
    }

    private static byte[] hexLine(List<String> lines, String prefix) {
        String found = null;
        for (String l : lines) {
            String s = l.strip();
            if (s.startsWith(prefix)) {
                found = s.substring(prefix.length()).strip();
            }
        }
        if (found == null) {
            fail("no '" + prefix.strip() + "' line on the console: the probe did not run or failed (see the log)");
        }
        return HEX.parseHex(found);
    }

    /** Connects through the hybrid-vsock Unix socket, retrying until the guest listens or the deadline passes. */
    private static byte[][] overVsock(Path uds, int port, byte[] nonce, boolean sample, long timeoutMillis)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(uds));
                DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
                DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
                out.write(("CONNECT " + port + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String reply = readLine(in);
                if (reply == null || !reply.startsWith("OK")) {
                    throw new IOException("backend answered " + reply);
                }
                if (sample) { // sample-enclave Protocol: type byte | u32 length | payload; NONCE=1 -> DOCUMENT=2
                    out.writeByte(1);
                    out.writeInt(nonce.length);
                    out.write(nonce);
                    out.flush();
                    int type = in.read();
                    byte[] payload = frame(in);
                    if (type != 2) {
                        fail("the enclave answered frame type " + type + ": " + new String(payload, StandardCharsets.UTF_8));
                    }
                    return new byte[][] {payload, null};
                }
                out.writeInt(nonce.length);
                out.write(nonce);
                out.flush();
                return new byte[][] {frame(in), frame(in)};
            } catch (IOException e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw new IOException("no connection to vsock port " + port + " through " + uds + " before the deadline", last);
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0 || sb.length() > 64) {
                return null;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    private static byte[] frame(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 12288) {
            throw new IOException("frame length " + n + " out of range 0..12288");
        }
        return in.readNBytes(n);
    }

    /** The device's answer decoded as the NSM client decodes it (NsmCodec), which must be of type {@code want}. */
    private static <R extends NsmResponse> R response(byte[] bytes, Class<R> want) {
        NsmResponse r;
        try {
            r = NsmCodec.decodeResponse(bytes);
        } catch (RuntimeException e) {
            return fail("not an NSM response: " + e.getMessage());
        }
        return want.isInstance(r) ? want.cast(r) : fail("expected an NSM " + want.getSimpleName() + " response, found " + r);
    }

    private static <T> T fail(String message) {
        System.err.println("EmuCheck: " + message);
        System.exit(2);
        return null;
    }
}
