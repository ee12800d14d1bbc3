package dev.attested.release;

import dev.attested.kms.KeyPolicy;
import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * Releases one EIF: the whole {@code release} job, independent of any build tool. A front end (the Maven plugin,
 * a CLI, a Gradle plugin) fills a {@link Request} with what it knows and prints the {@link Result}.
 *
 * <p>In order, every check before anything is written: the PCR manifest is read; the project's output timestamp
 * must be set and equal the manifest's ({@link ReleaseException.Code#RELEASE_NO_TIMESTAMP},
 * {@link ReleaseException.Code#RELEASE_TIMESTAMP_MISMATCH}); the working tree must be a clean Git checkout unless
 * {@code allowDirty} ({@link WorkingTree}); the KMS policy to ship is chosen ({@link PolicyChoice}) and read (at
 * most {@link KeyPolicy#MAX_FILE_BYTES}); the history update, if any, is computed (a conflict with a recorded
 * version is refused); then {@link ReleaseBundle#write} checks the EIF, the policy and any bundle already there,
 * and writes the bundle atomically. The PCR history is written last. A refusal leaves the output directory and the
 * history file as they were.
 */
public final class Release {
    private Release() {}

    /** Which KMS key policy the bundle ships. */
    public sealed interface PolicyChoice permits PolicyChoice.Named, PolicyChoice.DefaultLocation, PolicyChoice.None {
        /** This file, which must exist ({@link ReleaseException.Code#RELEASE_POLICY_NOT_FOUND} otherwise). */
        record Named(Path file) implements PolicyChoice {
            public Named {
                Objects.requireNonNull(file, "file");
            }
        }

        /**
         * The policy the kms-policy step writes by default (e.g. {@code target/attestation/kms-policy.json}) if it
         * exists, else the template with placeholders.
         */
        record DefaultLocation(Path file) implements PolicyChoice {
            public DefaultLocation {
                Objects.requireNonNull(file, "file");
            }
        }

        /** No policy: the bundle ships {@link KmsPolicyTemplate} with placeholders. */
        record None() implements PolicyChoice {}
    }

    /**
     * Accept the release for an environment in a PCR history file.
     *
     * @param environment the environment, e.g. {@code prod} (checked by {@link PcrHistory})
     * @param file        the history file; created when it does not exist
     * @param retire      versions of {@code environment} to retire once this release is accepted (blank entries and
     *                    the released version itself are ignored)
     */
    public record HistoryUpdate(String environment, Path file, List<String> retire) {
        public HistoryUpdate {
            Objects.requireNonNull(environment, "environment");
            Objects.requireNonNull(file, "file");
            retire = retire == null ? List.of() : List.copyOf(retire);
        }

        /** Accept for {@code environment}, retire nothing. */
        public HistoryUpdate(String environment, Path file) {
            this(environment, file, List.of());
        }
    }

    /**
     * What to release.
     *
     * @param manifest        the PCR manifest of the EIF build
     * @param eif             the EIF, or null for the file the manifest names, next to the manifest
     * @param outputTimestamp the project's reproducible-build timestamp (e.g. {@code project.build.outputTimestamp});
     *                        null or blank is refused
     * @param sourceRoot      a directory of the checkout the release was built from
     * @param allowDirty      release even when tracked files differ from the commit or no commit can be named; the
     *                        release is then recorded as not reproducible from the commit
     * @param build           what the front end knows about the build
     * @param policy          the KMS policy to ship
     * @param outputDirectory where bundles go ({@code <outputDirectory>/<version>/})
     * @param history         the PCR history update, or null for none
     */
    public record Request(Path manifest, Path eif, String outputTimestamp, Path sourceRoot, boolean allowDirty,
            BuildInputs build, PolicyChoice policy, Path outputDirectory, HistoryUpdate history) {
        public Request {
            Objects.requireNonNull(manifest, "manifest");
            Objects.requireNonNull(sourceRoot, "sourceRoot");
            Objects.requireNonNull(build, "build");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(outputDirectory, "outputDirectory");
        }

        /** This request with a history update (or none, for null). */
        public Request withHistory(HistoryUpdate update) {
            return new Request(manifest, eif, outputTimestamp, sourceRoot, allowDirty, build, policy, outputDirectory,
                    update);
        }
    }

    /**
     * What the history update did.
     *
     * @param file        the history file
     * @param environment the environment
     * @param before      the history before (empty when the file did not exist)
     * @param after       the history after
     * @param written     false when the file already held exactly {@code after}
     */
    public record HistoryChange(Path file, String environment, PcrHistory before, PcrHistory after, boolean written) {
        /** The releases accepted for the environment afterwards. */
        public List<PcrHistory.Release> accepted() {
            return after.accepted(environment);
        }
    }

    /**
     * Something the user should know about a release that went through.
     *
     * @param kind    what it is about, for front ends that word it their own way
     * @param message a sentence to print
     */
    public record Warning(Kind kind, String message) {
        /** What a warning is about. */
        public enum Kind {
            /** Released with {@code allowDirty} from a tree that differs from its commit, or without a commit. */
            DIRTY_SOURCE,
            /** Files that are neither tracked nor ignored: if the build reads them, nobody can reproduce it. */
            UNTRACKED_FILES,
            /** No policy was given or found: the bundle ships the template with placeholders. */
            POLICY_TEMPLATE
        }
    }

    /**
     * What was released.
     *
     * @param bundle          the bundle written, or the one already there with the same PCRs (then
     *                        {@link ReleaseBundle#created()} is false and {@link ReleaseBundle#differences()} names the
     *                        files this build would have written otherwise)
     * @param source          what the release records about its source
     * @param policyFile      the policy shipped, or null when the template with placeholders was shipped
     * @param history         the history update, or null when none was asked for
     * @param warnings        what the user should know (untracked files, a dirty release, a shipped template)
     */
    public record Result(ReleaseBundle bundle, WorkingTree source, Path policyFile, HistoryChange history,
            List<Warning> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }

        /** True when the bundle holds {@code kms-policy-template.json} with placeholders instead of a policy. */
        public boolean shippedTemplate() {
            return policyFile == null;
        }
    }

    /** Runs the release; see the class comment for the order of the checks. */
    public static Result run(Request request) {
        PcrManifest pcrs = PcrManifest.read(request.manifest());
        Path eif = request.eif() != null ? request.eif()
                : request.manifest().toAbsolutePath().resolveSibling(pcrs.eif().file());
        ReleaseBundle.requireOutputTimestamp(request.outputTimestamp(), pcrs);
        WorkingTree tree = WorkingTree.inspect(request.sourceRoot(), request.allowDirty());
        BuildManifest build = request.build().forRelease(pcrs, tree);
        Path policyFile = policyFile(request.policy());
        byte[] policy = policyFile == null ? null : readPolicy(policyFile);

        // A rerun publishes the bundle that is already there, so the history records that one.
        Path root = request.outputDirectory();
        String version = request.build().version();
        PcrManifest released = ReleaseBundle.publishedManifest(root, version)
                .filter(p -> p.pcrs().equals(pcrs.pcrs())).orElse(pcrs);
        HistoryChange change = request.history() == null ? null : historyWith(request.history(), version, released);
        List<SortedMap<Integer, String>> alsoAccepted = change == null ? List.of()
                : change.accepted().stream().map(PcrHistory.Release::pcrs).toList();

        ReleaseBundle bundle = ReleaseBundle.write(root, new ReleaseBundle.Request(eif, pcrs, build, policy,
                policyFile == null ? null : policyFile.toString(), request.build().toolVersion(), alsoAccepted));
        if (change != null && change.written()) {
            change.after().write(change.file());
        }
        return new Result(bundle, tree, policyFile, change, warnings(tree, policyFile));
    }

    private static List<Warning> warnings(WorkingTree tree, Path policyFile) {
        List<Warning> w = new ArrayList<>();
        if (tree.dirty()) {
            w.add(new Warning(Warning.Kind.DIRTY_SOURCE, "Released with allowDirty: " + tree.describe() + ". build-manifest.json and REPRODUCE.md say so."));
        }
        if (tree.untrackedCount() > 0) {
            w.add(new Warning(Warning.Kind.UNTRACKED_FILES, tree.untrackedCount() + " untracked file(s) are not part of the recorded commit: "
                    + String.join(", ", tree.untracked()) + (tree.untrackedCount() > tree.untracked().size() ? ", ..." : "")
                    + ". If the build reads any of them, consumers cannot reproduce this release: commit or ignore them."));
        }
        if (policyFile == null) {
            w.add(new Warning(Warning.Kind.POLICY_TEMPLATE, "No KMS policy was given or found: the bundle ships " + KmsPolicyTemplate.FILE_NAME
                    + " with placeholders."));
        }
        return w;
    }

    /** The policy to ship: the named file (which must exist), else the default if present, else none. */
    static Path policyFile(PolicyChoice choice) {
        if (choice instanceof PolicyChoice.Named n) {
            if (!Files.isRegularFile(n.file())) {
                throw new ReleaseException(ReleaseException.Code.RELEASE_POLICY_NOT_FOUND,
                        "no KMS policy at " + n.file() + ".");
            }
            return n.file();
        }
        if (choice instanceof PolicyChoice.DefaultLocation d) {
            return Files.isRegularFile(d.file()) ? d.file() : null;
        }
        return null;
    }

    /** Reads at most {@link KeyPolicy#MAX_FILE_BYTES}; a larger file is refused, whatever its size says. */
    static byte[] readPolicy(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) KeyPolicy.MAX_FILE_BYTES + 1);
            if (bytes.length > KeyPolicy.MAX_FILE_BYTES) {
                throw new ReleaseException(ReleaseException.Code.RELEASE_POLICY_MALFORMED, file + " is larger than "
                        + KeyPolicy.MAX_FILE_BYTES + " bytes; KMS key policies are at most 32 KB.");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_POLICY_NOT_FOUND, "no KMS policy at " + file + ".");
        } catch (IOException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_IO, "cannot read " + file + ": " + e, e);
        }
    }

    private static HistoryChange historyWith(HistoryUpdate update, String version, PcrManifest pcrs) {
        Path file = update.file();
        PcrHistory before = PcrHistory.readOrEmpty(file);
        PcrHistory after = before.append(update.environment(), PcrHistory.Release.of(version, pcrs));
        for (String v : update.retire()) {
            if (v != null && !v.isBlank() && !v.trim().equals(version)) {
                after = after.retire(update.environment(), v.trim(), pcrs.outputTimestamp());
            }
        }
        boolean written = !(after.equals(before) && Files.exists(file));
        return new HistoryChange(file, update.environment(), before, after, written);
    }
}
