package dev.attested.attestation;

import java.time.Instant;
import java.util.Objects;

/**
 * The instant at which certificates are checked: the current time (with a maximum document age), each document's
 * own timestamp (archived documents and audits: no replay protection), or a fixed instant (no age limit).
 */
public sealed interface VerificationTime {
    /** The verifier's clock; documents older than the maximum age are refused. */
    record Now() implements VerificationTime {}

    /** Each document's own timestamp: proves a document was genuine when made, not that it is fresh. */
    record DocumentTime() implements VerificationTime {}

    /** A fixed instant, without an age limit. */
    record At(Instant instant) implements VerificationTime {
        public At {
            Objects.requireNonNull(instant, "instant");
        }
    }

    static VerificationTime now() {
        return new Now();
    }

    static VerificationTime documentTime() {
        return new DocumentTime();
    }

    static VerificationTime at(Instant instant) {
        return new At(instant);
    }
}
