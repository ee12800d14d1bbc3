package dev.attested.release;

import dev.attested.internal.io.AtomicFiles;
import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A published release compared with a rebuild, however the rebuild was made (the Maven plugin forks Maven; a CLI
 * or a CI job may run any build): the comparison, written to a JSON report, and the verdict.
 *
 * <p>{@link #compare} reads the published PCR manifest, the published build manifest (the named one, which must
 * exist, else {@code build-manifest.json} next to the manifest if there) and the rebuilt PCR manifest, compares them
 * with {@link ReproduceComparison} (a signed release's PCR8 is read from the EIF next to the published manifest),
 * and writes the report atomically. It does not fail on a mismatch: the caller prints the comparison, then calls
 * {@link #requireReproduced()}.
 *
 * @param comparison        the comparison
 * @param publishedManifest the published PCR manifest compared against
 * @param report            the JSON report written
 */
public record Reproduction(ReproduceComparison comparison, Path publishedManifest, Path report) {

    /**
     * What to compare.
     *
     * @param publishedManifest      the published {@code pcr-manifest.json}
     * @param publishedBuildManifest the published {@code build-manifest.json}, which must exist; null for the one
     *                               next to {@code publishedManifest}, if there (older releases have none)
     * @param rebuiltManifest        the PCR manifest of the rebuild
     * @param rebuiltInputs          what the rebuilding tool knows about the rebuild, or null when nothing
     * @param rebuiltSource          a directory of the checkout that was rebuilt (its commit is recorded), or null
     * @param report                 where the JSON report goes (replaced atomically)
     */
    public record Request(Path publishedManifest, Path publishedBuildManifest, Path rebuiltManifest,
            BuildInputs rebuiltInputs, Path rebuiltSource, Path report) {
        public Request {
            Objects.requireNonNull(publishedManifest, "publishedManifest");
            Objects.requireNonNull(rebuiltManifest, "rebuiltManifest");
            Objects.requireNonNull(report, "report");
        }
    }

    public Reproduction {
        Objects.requireNonNull(comparison, "comparison");
    }

    /**
     * The published side, read and checked before a rebuild is started.
     *
     * @param manifest     the published PCR manifest
     * @param build        the published build manifest, or null when the release has none
     * @param manifestFile where {@code manifest} was read from (its EIF is looked for next to it)
     */
    public record Published(PcrManifest manifest, BuildManifest build, Path manifestFile) {
        public Published {
            Objects.requireNonNull(manifest, "manifest");
            Objects.requireNonNull(manifestFile, "manifestFile");
        }

        /**
         * Reads a published release.
         *
         * @param manifest      the published {@code pcr-manifest.json}
         * @param buildManifest the published {@code build-manifest.json}, which must exist; null for the one next
         *                      to {@code manifest}, if there
         */
        public static Published read(Path manifest, Path buildManifest) {
            PcrManifest published = PcrManifest.read(manifest);
            BuildManifest build;
            if (buildManifest != null) {
                if (!Files.isRegularFile(buildManifest)) {
                    throw new ReleaseException(ReleaseException.Code.BUILD_MANIFEST_NOT_FOUND,
                            "no build manifest at " + buildManifest + ".");
                }
                build = BuildManifest.readIfPresent(buildManifest);
            } else {
                build = BuildManifest.readIfPresent(manifest.toAbsolutePath().resolveSibling(BuildManifest.FILE_NAME));
            }
            return new Published(published, build, manifest);
        }
    }

    /** Reads the published side, then compares and writes the report; see the class comment. */
    public static Reproduction compare(Request request) {
        return compare(Published.read(request.publishedManifest(), request.publishedBuildManifest()),
                request.rebuiltManifest(), request.rebuiltInputs(), request.rebuiltSource(), request.report());
    }

    /**
     * Compares a rebuild with {@code published} and writes the report atomically.
     *
     * @param rebuiltManifest the PCR manifest of the rebuild
     * @param rebuiltInputs   what the rebuilding tool knows about the rebuild, or null
     * @param rebuiltSource   a directory of the checkout that was rebuilt, or null
     * @param report          where the JSON report goes
     */
    public static Reproduction compare(Published published, Path rebuiltManifest, BuildInputs rebuiltInputs,
            Path rebuiltSource, Path report) {
        Objects.requireNonNull(report, "report");
        PcrManifest rebuilt = PcrManifest.read(rebuiltManifest);
        BuildManifest rebuiltBuild = rebuiltInputs == null ? null : rebuiltInputs.forRebuild(rebuilt, rebuiltSource);
        // A signed release is usually rebuilt unsigned; its PCR8 is then read from the released EIF beside it.
        Path publishedEif = published.manifestFile().toAbsolutePath().resolveSibling(published.manifest().eif().file());
        ReproduceComparison comparison = ReproduceComparison.compare(published.manifest(), published.build(), rebuilt,
                rebuiltBuild, publishedEif);
        try {
            AtomicFiles.write(report, comparison.toJson());
        } catch (IOException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_IO, "cannot write the report " + report + ": "
                    + e, e);
        }
        return new Reproduction(comparison, published.manifestFile(), report);
    }

    /** True when every PCR of the rebuild equals the published one. */
    public boolean reproduced() {
        return comparison.pcrsMatch();
    }

    /** Throws {@link ReleaseException.Code#REPRODUCE_PCR_MISMATCH} naming the differing PCRs unless reproduced. */
    public Reproduction requireReproduced() {
        if (!reproduced()) {
            throw new ReleaseException(ReleaseException.Code.REPRODUCE_PCR_MISMATCH,
                    String.join(", ", comparison.differingPcrs()) + " of the rebuild differ from " + publishedManifest
                            + (comparison.causes().isEmpty() ? "." : ". " + comparison.causes().get(0))
                            + " Report: " + report + ".");
        }
        return this;
    }
}
