package dev.attested.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.attested.fuzz.AllocationBudget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.io.InputStreamReader;
import java.security.PrivateKey;
import java.util.Collection;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Fuzz target for {@link RecipientCms#decrypt}, the KMS {@code CiphertextForRecipient} an enclave receives
 * (docs/fuzzing.md). Contract for any envelope: plaintext or a {@link RecipientCms.RecipientCmsException} with a
 * code, nothing else, within a memory budget; and what it decrypts, Bouncy Castle's full CMS implementation (the
 * second implementation) decrypts to the same plaintext with the same key. Seeds are envelopes for the test
 * recipient key beside the real KMS sample (src/test/resources/dev/attested/kms).
 */
class RecipientCmsFuzzTest {
    private static final AllocationBudget BUDGET = AllocationBudget.of(16, 64);
    private static final PrivateKey KEY = recipientKey();

    @FuzzTest(maxDuration = "5m")
    void decrypt(byte[] envelope) throws Exception {
        byte[] plaintext;
        try {
            plaintext = BUDGET.measure(envelope.length, () -> RecipientCms.decrypt(envelope, KEY));
        } catch (RecipientCms.RecipientCmsException e) {
            assertNotNull(e.code());
            return;
        }
        Collection<RecipientInformation> recipients = new CMSEnvelopedData(envelope).getRecipientInfos().getRecipients();
        byte[] bc = recipients.iterator().next().getContent(new JceKeyTransEnvelopedRecipient(KEY));
        assertArrayEquals(bc, plaintext, "Bouncy Castle's CMS decrypts the envelope to other bytes");
    }

    /** The RSA key of the KMS sample (kms-recipient-key.pem, PKCS#1). */
    static PrivateKey recipientKey() {
        try (InputStream in = RecipientCmsFuzzTest.class.getResourceAsStream("kms-recipient-key.pem");
                PEMParser pem = new PEMParser(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            return new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) pem.readObject()).getPrivate();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the test recipient key", e);
        }
    }
}
