package dev.attested.attestation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** The real AWS-signed documents of {@code test-vectors/attestation} (see its README). */
public enum Fixtures {
    UID2_DEBUG("01-uid2-2021-04-26-usw1-debug.b64", 1619410153100L, true),
    EVERVAULT("02-evervault-2022-10-13-use1-prod.b64", 1665651482136L, false),
    MARLIN_HIGH_S("05-marlin-2024-08-07-aps1-prod.b64", 1723012689640L, false),
    NAUTILUS_HIGH_S("08-nautilus-2025-04-15-use1-prod.b64", 1744683923696L, false);

    public final String file;
    public final Instant timestamp;
    public final boolean debug;

    Fixtures(String file, long millis, boolean debug) {
        this.file = file;
        this.timestamp = Instant.ofEpochMilli(millis);
        this.debug = debug;
    }

    public static Path dir() {
        String vectors = System.getProperty("attested.vectors.dir", "../test-vectors");
        return Path.of(vectors, "attestation");
    }

    public Path path() {
        return dir().resolve(file);
    }

    public byte[] bytes() {
        try {
            return Base64.getDecoder().decode(Files.readString(path(), StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Fixtures> production() {
        return List.of(EVERVAULT, MARLIN_HIGH_S, NAUTILUS_HIGH_S);
    }
}
