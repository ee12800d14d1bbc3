package dev.attested.image;

import dev.attested.enclave.BuildException;
import dev.attested.enclave.ImageTarballs;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the enclave image is built on. Only inputs that cannot move are expressible: nothing ({@link Scratch}), a
 * {@code docker save} tarball ({@link Tarball}), or a registry image pinned by digest ({@link Registry}); a tag
 * moves, and a moved tag changes PCR2.
 */
public sealed interface BaseImage permits BaseImage.Scratch, BaseImage.Tarball, BaseImage.Registry {
    /** The empty image: it holds only the application (and has no Java runtime). */
    Scratch SCRATCH = new Scratch();

    /** {@code scratch}. */
    record Scratch() implements BaseImage {}

    /** A {@code docker save} tarball (Jib does not take an OCI layout as base). */
    record Tarball(Path file) implements BaseImage {
        public Tarball {
            file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        }
    }

    /**
     * A registry image pinned by digest, {@code name@sha256:<64 hex>}.
     *
     * @throws BuildException {@code BASE_IMAGE_INVALID} when the reference has no digest
     */
    record Registry(String reference) implements BaseImage {
        public Registry {
            Objects.requireNonNull(reference, "reference");
            if (!reference.matches("[^\\s@]+@sha256:[0-9a-f]{64}")) {
                throw new BuildException(BuildException.Code.BASE_IMAGE_INVALID, "base image '" + reference
                        + "' is not pinned: use a registry reference with a digest (e.g. eclipse-temurin@sha256:<64 "
                        + "hex>), tar:///path/to/image.tar, or scratch. Tags move, and a moved tag changes PCR2.");
            }
        }
    }

    /**
     * Parses the text form the build tools take: {@code scratch}, {@code tar://<path>} (relative to
     * {@code projectDirectory}, or absolute as {@code tar:///abs/x.tar}), or {@code name@sha256:<64 hex>}.
     *
     * @throws BuildException {@code BASE_IMAGE_INVALID} for anything else
     */
    static BaseImage parse(String text, Path projectDirectory) {
        String ref = text == null ? "" : text.trim();
        if (ref.equals("scratch")) {
            return SCRATCH;
        }
        if (ImageTarballs.isTarReference(ref)) {
            return new Tarball(ImageTarballs.file(ref, projectDirectory));
        }
        return new Registry(ref);
    }

    /** The text form: {@code scratch}, {@code tar://<absolute path>} or the pinned reference. */
    default String text() {
        if (this instanceof Tarball t) {
            return ImageTarballs.TAR_PREFIX + t.file();
        }
        return this instanceof Registry r ? r.reference() : "scratch";
    }
}
