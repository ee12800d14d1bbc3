package dev.attested.testkit;

import dev.attested.internal.cose.Es384;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.PrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentSigner;

/** {@code ecdsa-with-SHA384} certificate signer with deterministic (RFC 6979) signatures, so seeded PKIs repeat. */
final class Es384ContentSigner implements ContentSigner {
    private final PrivateKey key;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);

    Es384ContentSigner(PrivateKey key) {
        this.key = key;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA384);
    }

    @Override
    public OutputStream getOutputStream() {
        return buffer;
    }

    @Override
    public byte[] getSignature() {
        return Es384.signDer(buffer.toByteArray(), key);
    }
}
