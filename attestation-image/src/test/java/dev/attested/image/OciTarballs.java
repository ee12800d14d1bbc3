package dev.attested.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/** Reads what a test needs from an OCI image tarball written by Jib: the manifest and the image config. */
final class OciTarballs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciTarballs() {}

    static JsonNode manifest(Path tarball) throws IOException {
        try (TarFile tar = new TarFile(tarball)) {
            JsonNode index = read(tar, "index.json");
            return read(tar, blob(index.at("/manifests/0/digest").asText()));
        }
    }

    static JsonNode config(Path tarball) throws IOException {
        try (TarFile tar = new TarFile(tarball)) {
            JsonNode index = read(tar, "index.json");
            JsonNode manifest = read(tar, blob(index.at("/manifests/0/digest").asText()));
            return read(tar, blob(manifest.at("/config/digest").asText()));
        }
    }

    private static String blob(String digest) {
        return "blobs/sha256/" + digest.substring("sha256:".length());
    }

    private static JsonNode read(TarFile tar, String name) throws IOException {
        for (TarArchiveEntry e : tar.getEntries()) {
            if (e.getName().equals(name) || e.getName().equals("./" + name)) {
                return JSON.readTree(tar.getInputStream(e));
            }
        }
        throw new IOException("no " + name + " in the tarball");
    }
}
