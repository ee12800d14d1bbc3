package dev.attested.attestation;

import java.io.IOException;
import java.io.InputStream;
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

/**
 * Reads attestation documents stored as raw CBOR, base64 (standard or URL-safe, line breaks allowed) or hex.
 * Reading is bounded: nothing larger than {@link #MAX_FILE_SIZE} is read into memory, and a decoded document larger
 * than {@link UnverifiedDocument#MAX_DOCUMENT} is refused before any CBOR is decoded, both with
 * {@code DOCUMENT_TOO_LARGE}.
 */
public final class AttestationDocuments {
    /**
     * Files and streams larger than this are not documents: genuine ones are about 4.5 KB, the largest possible is
     * {@link UnverifiedDocument#MAX_DOCUMENT} bytes of CBOR, which as hex (twice the bytes, plus line breaks)
     * still fits.
     */
    public static final long MAX_FILE_SIZE = 64 * 1024;

    private AttestationDocuments() {}

    /**
     * The files to verify: {@code path} itself (a regular file, or a pipe such as {@code /dev/stdin}), or the
     * regular non-hidden files directly inside a directory, sorted by name.
     */
    public static List<Path> list(Path path) {
        if (!Files.isDirectory(path)) {
            if (!Files.exists(path)) {
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
     * Reads one document file (or pipe) and decodes it. A regular file is refused by its size before it is
     * opened; anything else is read through a bounded stream.
     *
     * @throws AttestationException DOCUMENT_TOO_LARGE beyond {@link #MAX_FILE_SIZE} bytes or a decoded size beyond
     *                              {@link UnverifiedDocument#MAX_DOCUMENT}; MALFORMED_CBOR when the content is
     *                              neither raw CBOR, hex nor base64
     */
    public static byte[] read(Path file) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_SIZE) {
                throw tooLarge(file.toString(), "a file of " + Files.size(file) + " bytes");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return read(in, file.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Reads one document from a stream (e.g. standard input) and decodes it; at most {@link #MAX_FILE_SIZE} + 1
     * bytes are read. The stream is not closed.
     *
     * @param source names the input in messages
     * @throws AttestationException as {@link #read(Path)}
     */
    public static byte[] read(InputStream in, String source) throws IOException {
        byte[] content = in.readNBytes((int) MAX_FILE_SIZE + 1);
        if (content.length > MAX_FILE_SIZE) {
            throw tooLarge(source, "more than " + MAX_FILE_SIZE + " bytes");
        }
        byte[] document = decode(content);
        if (document.length > UnverifiedDocument.MAX_DOCUMENT) {
            throw new AttestationException(AttestationException.Code.DOCUMENT_TOO_LARGE, "expected a document of at most "
                    + UnverifiedDocument.MAX_DOCUMENT + " bytes, found " + document.length + " bytes after decoding " + source + ".");
        }
        return document;
    }

    private static AttestationException tooLarge(String source, String found) {
        return new AttestationException(AttestationException.Code.DOCUMENT_TOO_LARGE, "expected a document file of at most "
                + MAX_FILE_SIZE + " bytes, found " + found + " in " + source + ".");
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
