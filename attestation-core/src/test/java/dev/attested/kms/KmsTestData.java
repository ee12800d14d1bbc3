package dev.attested.kms;

import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;

/** Shared inputs: the account and role of docs/spec/kms-attestation.md §6.2/§7 and manifests of simulated releases. */
final class KmsTestData {
    static final String ACCOUNT = "111122223333";
    static final String ROLE = "arn:aws:iam::111122223333:role/data-processing";
    static final String ROLE_WITH_PATH = "arn:aws:iam::111122223333:role/enclaves/data-processing";
    static final String ADMIN = "arn:aws:iam::111122223333:role/KeyAdmin";
    static final String PRODUCER = "arn:aws:iam::111122223333:role/ingest";
    /** kms-attestation.md §6.2 vector: PCR3 of {@link #ROLE}. */
    static final String PCR3_OF_ROLE = "10ce0a75872514140de1652b913f105a3ed5e7e1fe4125d45e72023a916825c3a307ea463d909f83ac2c05a7015e2ed5";

    private KmsTestData() {}

    static Pcr content(String text) {
        return Pcr.ofContent(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A release whose PCR0/1/2 are measurements of the given labels (the simulated PKI's defaults for "simulated"). */
    static PcrManifest release(String version, Pcr pcr0, Pcr pcr1, Pcr pcr2, Pcr pcr8) {
        SortedMap<Integer, Pcr> pcrs = new TreeMap<>();
        pcrs.put(0, pcr0);
        pcrs.put(1, pcr1);
        pcrs.put(2, pcr2);
        if (pcr8 != null) {
            pcrs.put(8, pcr8);
        }
        return PcrManifest.of(new PcrManifest.Eif("app-" + version + ".eif", "00".repeat(32), 1024), pcrs,
                new PcrManifest.Image("app", version, null, null), null, "console=ttyS0", "native", "x86_64", null,
                "2026-01-01T00:00:00Z");
    }

    /** The release the simulated PKI's default documents measure to. */
    static PcrManifest simulatedRelease() {
        return release("1.0.0", content("simulated enclave image"), content("simulated kernel and bootstrap"),
                content("simulated application"), null);
    }

    static PcrManifest otherRelease() {
        return release("2.0.0", content("image v2"), content("simulated kernel and bootstrap"), content("application v2"), null);
    }

    static KeyPolicy generated(PcrManifest... releases) {
        KeyPolicyGenerator.Builder b = KeyPolicyGenerator.builder().roleArn(ROLE).admins(java.util.List.of(ADMIN));
        for (PcrManifest m : releases) {
            b.release(m);
        }
        return b.build().generate().policy();
    }
}
