package dev.attested.internal.ramdisk;

import dev.attested.enclave.RamdiskException;
import dev.attested.enclave.ImageConfig;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.input.ReadAheadInputStream;

/**
 * A container image stored as one tarball: an OCI image layout ({@code index.json}, {@code blobs/sha256/…}; what
 * Jib's {@code TarImage} writes in OCI format) or a {@code docker save} archive ({@code manifest.json}). Gives the
 * image config and the layers, in order, as uncompressed tar streams. The tarball is read in place (random
 * access), never unpacked.
 *
 * <p>Opening it reads the tar headers once, stepping over the contents, within
 * {@value ImageLimits#MAX_ARCHIVE_HEADER_BYTES} bytes of headers (so at most a few thousand entries are held), and
 * each JSON document within {@value #MAX_JSON_BYTES} bytes and {@value #MAX_JSON_TOKENS} tokens.
 */
public final class ImageArchive implements Closeable {
    /** Upper bound for the JSON documents (index, manifest, config) read into memory. */
    static final long MAX_JSON_BYTES = 8L * 1024 * 1024;
    /** Upper bound for the tokens of one JSON document (what its tree costs in memory). */
    static final int MAX_JSON_TOKENS = 200_000;
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxTokenCount(MAX_JSON_TOKENS).maxNestingDepth(64)
                    .build())
            .build());
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    private final Path path;
    private final FileChannel channel;
    private final Map<String, Member> entries;
    private final ImageConfig config;
    private final List<String> layers;

    /** A regular file of the tarball: where its data starts and how long it is. */
    private record Member(long offset, long size) {}

    private ImageArchive(Path path, FileChannel channel, Map<String, Member> entries) {
        this.path = path;
        this.channel = channel;
        this.entries = entries;
        List<String> layerPaths = new ArrayList<>();
        JsonNode configJson;
        if (entries.containsKey("manifest.json")) {
            JsonNode manifest = json("manifest.json");
            if (!manifest.isArray() || manifest.size() != 1) {
                throw malformed("manifest.json must list exactly one image, found "
                        + (manifest.isArray() ? manifest.size() : "no list") + ". Save a single image.");
            }
            JsonNode m = manifest.get(0);
            configJson = json(normalize(text(m, "Config", "manifest.json")));
            for (JsonNode l : array(m, "Layers", "manifest.json")) {
                layerPaths.add(normalize(l.asText()));
            }
        } else if (entries.containsKey("index.json")) {
            JsonNode manifest = resolveManifest(json("index.json"), "index.json");
            configJson = json(blobPath(text(manifest.path("config"), "digest", "config descriptor")));
            for (JsonNode l : array(manifest, "layers", "image manifest")) {
                String mediaType = l.path("mediaType").asText("");
                if (mediaType.contains("zstd")) {
                    throw new RamdiskException(RamdiskException.Code.IMAGE_UNSUPPORTED, path + ": layer "
                            + l.path("digest").asText() + " is zstd-compressed (" + mediaType
                            + "); use gzip or uncompressed layers.");
                }
                layerPaths.add(blobPath(text(l, "digest", "layer descriptor")));
            }
        } else {
            throw malformed("neither index.json (OCI image layout) nor manifest.json (docker save) found. "
                    + "Pass an image tarball written by Jib, 'docker save' or an OCI tool.");
        }
        if (layerPaths.size() > ImageLimits.MAX_LAYERS) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, path + ": the image lists "
                    + layerPaths.size() + " layers, more than " + ImageLimits.MAX_LAYERS + "; squash the image");
        }
        for (String l : layerPaths) {
            if (!entries.containsKey(l)) {
                throw malformed("layer " + l + " is listed but not in the archive");
            }
        }
        this.layers = List.copyOf(layerPaths);
        this.config = parseConfig(configJson);
    }

    /**
     * Opens an image tarball.
     *
     * @throws RamdiskException {@code IMAGE_UNREADABLE} if it cannot be read as tar, {@code IMAGE_MALFORMED} if
     *                          it holds no recognisable image
     */
    public static ImageArchive open(Path tarball) {
        FileChannel channel;
        try {
            channel = FileChannel.open(tarball, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNREADABLE,
                    "image tarball " + tarball + " does not exist");
        } catch (IOException | RuntimeException e) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNREADABLE,
                    "cannot read image tarball " + tarball + ": " + e.getMessage(), e);
        }
        try {
            return new ImageArchive(tarball, channel, index(tarball, channel));
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Where each regular file of the tarball is, from one pass over its headers. Each header (with its GNU long
     * name and PAX records) is read by a tar reader of its own, and the next one is found by position, as
     * {@code TarFile} does: contents are never read, and a global PAX header applies to the entry it precedes only.
     * The headers may take {@value ImageLimits#MAX_ARCHIVE_HEADER_BYTES} bytes in all, and no entry may carry more
     * than {@value ImageLimits#MAX_PAX_RECORDS} non-standard PAX records.
     */
    private static Map<String, Member> index(Path tarball, FileChannel channel) {
        Map<String, Member> entries = new HashMap<>();
        try {
            HeaderReader in = new HeaderReader(tarball, channel);
            TarArchiveEntry e;
            while ((e = new TarArchiveInputStream(in, "UTF-8").getNextEntry()) != null) {
                if (e.getExtraPaxHeaders().size() > ImageLimits.MAX_PAX_RECORDS) {
                    throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, tarball + ": entry " + e.getName()
                            + " carries " + e.getExtraPaxHeaders().size() + " PAX records; at most "
                            + ImageLimits.MAX_PAX_RECORDS + " are accepted per entry");
                }
                if (e.isSparse()) {
                    throw new RamdiskException(RamdiskException.Code.IMAGE_UNSUPPORTED, tarball + ": entry "
                            + e.getName() + " is a sparse file; save the image with docker, Jib or an OCI tool");
                }
                if (e.getSize() > in.size - in.position) {
                    throw new RamdiskException(RamdiskException.Code.IMAGE_UNREADABLE, tarball + ": entry "
                            + e.getName() + " declares " + e.getSize() + " bytes, more than the tarball has left; "
                            + "the tarball is truncated");
                }
                if (e.isFile()) {
                    entries.put(normalize(e.getName()), new Member(in.position, e.getSize()));
                }
                in.position += (e.getSize() + 511) / 512 * 512; // the contents and their padding to 512
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNREADABLE,
                    "cannot read image tarball " + tarball + " as a tar archive: " + e.getMessage(), e);
        }
        return entries;
    }

    /** The image config. */
    public ImageConfig config() {
        return config;
    }

    /** Number of layers. */
    public int layerCount() {
        return layers.size();
    }

    /** Layer {@code i} (0 = bottom) as an uncompressed tar stream; gzip is detected by its magic number. */
    public InputStream openLayer(int i) throws IOException {
        String name = layers.get(i);
        Member m = entries.get(name);
        InputStream raw = new BufferedInputStream(new Spool.Slice(channel, m.offset(), m.size()), 64 * 1024);
        raw.mark(4);
        byte[] magic = raw.readNBytes(4);
        raw.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            GzipCompressorInputStream gzip;
            try {
                gzip = GzipCompressorInputStream.builder().setInputStream(raw).setDecompressConcatenated(true).get();
            } catch (IOException bad) { // the gzip header is read here: a corrupt one is the layer's fault, not I/O
                raw.close();
                throw new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED, path + ": layer " + name
                        + " starts like gzip but its header is corrupt (" + bad.getMessage() + "); save the image again", bad);
            }
            // Inflating runs one megabyte ahead on a thread of its own, beside the caller's tar parsing and spooling.
            return ReadAheadInputStream.builder().setInputStream(gzip).setBufferSize(1 << 20).get();
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            raw.close();
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNSUPPORTED,
                    path + ": layer " + name + " is zstd-compressed; use gzip or uncompressed layers.");
        }
        return raw;
    }

    /** Name of layer {@code i} inside the tarball, for messages. */
    public String layerName(int i) {
        return layers.get(i);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private JsonNode resolveManifest(JsonNode index, String source) {
        for (int depth = 0; depth < 4; depth++) {
            JsonNode manifests = array(index, "manifests", source);
            if (manifests.size() != 1) {
                throw malformed(source + " lists " + manifests.size() + " manifests; a single-platform image "
                        + "with exactly one manifest is needed (build the image for one architecture).");
            }
            JsonNode desc = manifests.get(0);
            String blob = blobPath(text(desc, "digest", source));
            JsonNode next = json(blob);
            String mediaType = next.path("mediaType").asText(desc.path("mediaType").asText(""));
            if (!(OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType))) {
                return next;
            }
            index = next;
            source = blob;
        }
        throw malformed("image indexes nested too deeply");
    }

    private static ImageConfig parseConfig(JsonNode root) {
        JsonNode c = root.path("config");
        return new ImageConfig(strings(c.path("Cmd")), strings(c.path("Entrypoint")), strings(c.path("Env")),
                c.path("WorkingDir").asText(""), root.path("architecture").asText(""));
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private JsonNode json(String name) {
        Member e = entries.get(name);
        if (e == null) {
            throw malformed(name + " is referenced but not in the archive");
        }
        if (e.size() > MAX_JSON_BYTES) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, path + ": " + name + " is " + e.size()
                    + " bytes; image metadata above " + MAX_JSON_BYTES + " bytes is refused");
        }
        try (InputStream in = new Spool.Slice(channel, e.offset(), e.size())) {
            JsonNode node = JSON.readTree(in.readNBytes((int) e.size()));
            if (node == null || node.isMissingNode()) {
                throw malformed(name + " is empty");
            }
            return node;
        } catch (StreamConstraintsException ex) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, path + ": " + name + " exceeds what image "
                    + "metadata may hold (" + MAX_JSON_TOKENS + " JSON tokens, nesting depth 64): " + ex.getOriginalMessage());
        } catch (IOException ex) {
            throw malformed(name + " is not valid JSON: " + ex.getMessage());
        }
    }

    private String text(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw malformed(source + " has no string field '" + field + "'");
        }
        return v.asText();
    }

    private JsonNode array(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw malformed(source + " has no array '" + field + "'");
        }
        return v;
    }

    private String blobPath(String digest) {
        int colon = digest.indexOf(':');
        if (colon <= 0 || !digest.substring(colon + 1).matches("[0-9a-f]{32,128}")) {
            throw malformed("bad digest '" + digest + "'");
        }
        return "blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1);
    }

    private RamdiskException malformed(String detail) {
        return new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED, path + ": " + detail);
    }

    private static String normalize(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        return n;
    }

    /**
     * The tarball from {@code position} on, as the tar reader sees it; every byte read is a header byte (contents
     * are stepped over by moving {@code position}), at most {@value ImageLimits#MAX_ARCHIVE_HEADER_BYTES} in all.
     */
    private static final class HeaderReader extends InputStream {
        private final Path tarball;
        private final FileChannel channel;
        final long size;
        long position;
        private long headerBytes;

        HeaderReader(Path tarball, FileChannel channel) throws IOException {
            this.tarball = tarball;
            this.channel = channel;
            this.size = channel.size();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, len), position);
            if (n > 0) {
                position += n;
                headerBytes += n;
                if (headerBytes > ImageLimits.MAX_ARCHIVE_HEADER_BYTES) {
                    throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, tarball + ": the tar headers of "
                            + "the image tarball take more than " + ImageLimits.MAX_ARCHIVE_HEADER_BYTES
                            + " bytes (too many entries, or huge names or PAX records); an image tarball holds a few "
                            + "entries per layer");
                }
            }
            return n;
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // the original error is the one worth reporting
        }
    }
}
