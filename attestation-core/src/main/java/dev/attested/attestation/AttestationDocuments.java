package dev.attested.attestation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Reads attestation documents stored as raw CBOR, base64 (standard or URL-safe, line breaks allowed) or hex. */
public final class AttestationDocuments {
    /** Files larger than this are not documents (genuine ones are about 4–5 KB; base64 adds a third). */
    public static final long MAX_FILE_SIZE = 64 * 1024;

    private AttestationDocuments() {}

    /** The files to verify: {@code path} itself, or the regular non-hidden files directly inside it, sorted by name. */
    public static List<Path> list(Path path) {
        if (!Files.isDirectory(path)) {
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("no attestation document at " + path
                        + ": pass a file (base64, hex or raw CBOR) or a directory of such files");
            }
            return List.of(path);
        }
        try (Stream<Path> s = Files.list(path)) {
            List<Path> files = new ArrayList<>(s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).toList());
            files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
            if (files.isEmpty()) {
                throw new IllegalArgumentException("directory " + path + " holds no documents");
            }
            return List.copyOf(files);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
    }

    /**
     * Reads one document file and decodes it.
     *
     * @throws AttestationException MALFORMED_CBOR when the content is neither raw CBOR, hex nor base64
     */
    public static byte[] read(Path file) {
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new AttestationException(AttestationException.Code.MALFORMED_CBOR, "expected a document file of at most "
                        + MAX_FILE_SIZE + " bytes, found " + Files.size(file) + " bytes in " + file + ".");
            }
            return decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Detects the encoding: a first byte 0x84 (array of 4) or 0xd2 (tag 18) means raw CBOR; otherwise the trimmed
     * text is hex when it holds only hex digits (even count), else base64.
     */
    public static byte[] decode(byte[] content) {
        if (content.length > 0 && ((content[0] & 0xff) == 0x84 || (content[0] & 0xff) == 0xd2
                || (content[0] & 0xff) == 0x9f)) {
            return content;
        }
        String text = new String(content, StandardCharsets.US_ASCII).strip();
        String compact = text.replaceAll("\\s+", "");
        if (compact.isEmpty()) {
            throw unreadable("an empty file");
        }
        if (compact.length() % 2 == 0 && compact.matches("[0-9a-fA-F]+")) {
            return HexFormat.of().parseHex(compact.toLowerCase(Locale.ROOT));
        }
        try {
            return compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(compact) : Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw unreadable("text that is neither hex nor base64 (" + e.getMessage() + ")");
        }
    }

    private static AttestationException unreadable(String found) {
        return new AttestationException(AttestationException.Code.MALFORMED_CBOR,
                "expected raw CBOR, base64 or hex, found " + found + ".");
    }
}
