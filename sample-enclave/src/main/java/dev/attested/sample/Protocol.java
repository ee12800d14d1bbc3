package dev.attested.sample;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sample's wire protocol between parent and enclave: frames of {@code type (1 byte) | length (4 bytes,
 * big-endian) | payload}, at most {@link #MAX_PAYLOAD} bytes.
 *
 * <pre>
 * parent                                   enclave
 *   NONCE(32 fresh bytes)            ─────►  ephemeral RSA-2048 key; NSM Attestation(nonce, public_key = SPKI)
 *                                    ◄─────  DOCUMENT(COSE_Sign1 bytes)
 *   verify document, PCRs, nonce
 *   SECRET(CMS envelope to public_key) ───►  RecipientCms.decrypt with the ephemeral private key
 *                                    ◄─────  RECEIPT(HMAC-SHA256(secret, "…receipt v1" ‖ nonce))
 * </pre>
 * Any failure is answered with {@code ERROR(utf-8 text)} and the connection is closed.
 */
public final class Protocol {
    public static final byte NONCE = 1;
    public static final byte DOCUMENT = 2;
    public static final byte SECRET = 3;
    public static final byte RECEIPT = 4;
    public static final byte ERROR = 0x7f;

    /** Largest payload accepted (a document is under 12288 bytes; a secret envelope under 64 KiB). */
    public static final int MAX_PAYLOAD = 64 * 1024;
    /** Nonce length the parent sends. */
    public static final int NONCE_LENGTH = 32;
    private static final byte[] RECEIPT_LABEL = "dev.attested.sample receipt v1".getBytes(StandardCharsets.US_ASCII);

    private Protocol() {}

    /** One frame. */
    public record Frame(byte type, byte[] payload) {}

    public static void write(OutputStream out, byte type, byte[] payload) throws IOException {
        if (payload.length > MAX_PAYLOAD) {
            throw new IOException("frame payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
        DataOutputStream d = new DataOutputStream(out);
        d.writeByte(type);
        d.writeInt(payload.length);
        d.write(payload);
        d.flush();
    }

    /** Reads one frame; the length is checked before anything is allocated. */
    public static Frame read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int type = d.read();
        if (type < 0) {
            throw new EOFException("connection closed by peer");
        }
        int length = d.readInt();
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("frame announces " + Integer.toUnsignedString(length) + " bytes; at most " + MAX_PAYLOAD);
        }
        byte[] payload = new byte[length];
        d.readFully(payload);
        return new Frame((byte) type, payload);
    }

    /** Reads a frame of {@code type}; an ERROR frame or another type becomes an {@link IOException}. */
    public static byte[] expect(InputStream in, byte type) throws IOException {
        Frame f = read(in);
        if (f.type() == ERROR) {
            throw new IOException("peer refused: " + new String(f.payload(), StandardCharsets.UTF_8));
        }
        if (f.type() != type) {
            throw new IOException("expected frame type " + type + ", got " + f.type());
        }
        return f.payload();
    }

    /**
     * Proof that the enclave holds the secret, bound to this session's nonce, without revealing it:
     * {@code HMAC-SHA256(key = secret, "dev.attested.sample receipt v1" ‖ nonce)}.
     */
    public static byte[] receipt(byte[] secret, byte[] nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
            mac.update(RECEIPT_LABEL);
            return mac.doFinal(nonce);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    /** Constant-time comparison of receipts. */
    public static boolean sameReceipt(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
