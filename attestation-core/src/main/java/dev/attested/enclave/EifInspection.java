package dev.attested.enclave;

import dev.attested.eif.EifDescription;
import dev.attested.eif.EifImage;
import dev.attested.eif.EifReader;
import dev.attested.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What {@code nitro-cli describe-eif} prints for an EIF, for any front end: the file is read strictly and measured in
 * one pass ({@link EifReader#inspect}); a malformed file is an {@code EifException} with its code
 * ({@code EIF_BAD_MAGIC}, {@code EIF_TRUNCATED}, ...). CRC and signature results are part of the description;
 * {@link EifImage#requireIntact()} turns them into an error.
 *
 * @param image the EIF as read
 * @param json  the description, as nitro-cli prints it (no trailing newline)
 */
public record EifInspection(EifImage image, String json) {

    /** Reads and describes {@code eif}; {@code hashAlgorithm} is the string printed as the measurements' algorithm. */
    public static EifInspection of(Path eif, String hashAlgorithm) {
        EifImage image = EifReader.inspect(eif);
        return new EifInspection(image, EifDescription.json(image, hashAlgorithm));
    }

    /** Writes the description and a newline to {@code output}, which appears only when complete. */
    public void writeJson(Path output) throws IOException {
        AtomicFiles.write(output, (json + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
