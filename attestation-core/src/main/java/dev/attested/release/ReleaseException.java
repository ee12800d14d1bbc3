package dev.attested.release;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;

/**
 * A release bundle or a reproduction failed. {@link #code()} is stable and meant for scripts; the message says what
 * was found and ends with {@link Code#hint()}, what to do about it.
 */
public final class ReleaseException extends AttestedException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes, each with what to do about it. */
    public enum Code implements ErrorCode {
        /** The EIF named by the PCR manifest is not there: run build-eif first. */
        RELEASE_EIF_NOT_FOUND("Build the EIF first (build-eif), then release."),
        /** The EIF on disk is not the one the PCR manifest describes (SHA-256 differs): rebuild. */
        RELEASE_EIF_MISMATCH("The EIF was rebuilt or replaced after its manifest was written: run build-eif again, then release."),
        /** A version or file name that cannot be used as a directory/file name in the bundle. */
        RELEASE_BAD_NAME("Use letters, digits, '.', '_', '+' or '-' (at most 128 characters, not starting with '.')."),
        /**
         * {@code project.build.outputTimestamp} is not set (maven-jar-plugin then stamps the wall clock into the
         * application jar, so PCR2 changes on every build), or a timestamp is not an instant.
         */
        RELEASE_NO_TIMESTAMP("Set a fixed output timestamp ({outputTimestamp}), e.g. 2026-01-01T00:00:00Z (any fixed "
                + "instant; update it per release if you like), rebuild, then release."),
        /** The PCR manifest was built with another output timestamp than the project's. */
        RELEASE_TIMESTAMP_MISMATCH("Rebuild with the project's output timestamp ({outputTimestamp}; do not override it for one "
                + "goal only), then release."),
        /** Tracked files differ from the commit that would be recorded. */
        RELEASE_DIRTY_TREE("Commit (or stash) the changes and build again, so that the recorded commit is the released source; "
                + "{allowDirty}=true releases anyway and marks the release as not reproducible from the commit."),
        /** The project is not inside a Git working tree with a commit, so no source revision can be recorded. */
        RELEASE_NOT_A_CHECKOUT("Release from a Git checkout with at least one commit (git init && git add -A && git commit); "
                + "{allowDirty}=true releases anyway and marks the release as not reproducible from a commit."),
        /** {@code git} is missing, failed, timed out, or disagrees with {@code .git} about the commit. */
        RELEASE_GIT_FAILED("Install git (it must be on the PATH) and check that `git status` works in the project directory "
                + "(ownership: git config --global --add safe.directory <dir>)."),
        /** A bundle for this version already exists and records other PCRs. */
        RELEASE_BUNDLE_EXISTS("A published version never changes its measurements: release under a new version, or delete "
                + "the old bundle directory if it was never published."),
        /** A bundle directory exists but has no readable PCR manifest or fails its own SHA256SUMS. */
        RELEASE_BUNDLE_INCOMPLETE("The existing bundle directory is incomplete or was modified: compare it with what was "
                + "published, remove it, then run release again."),
        /** The KMS policy to ship pins measurements of another image (or none). */
        RELEASE_POLICY_MISMATCH("The policy was generated for another build: regenerate it from this manifest "
                + "(kms-policy, then release), or delete it to ship the template."),
        /** The KMS policy to ship is not a readable key policy. */
        RELEASE_POLICY_MALFORMED("Regenerate the policy with kms-policy, or delete it to ship the template."),
        /** An explicitly named KMS policy file does not exist. */
        RELEASE_POLICY_NOT_FOUND("Check {kmsPolicy}, or run kms-policy first."),
        /** A build manifest is missing a required field or is not JSON. */
        BUILD_MANIFEST_MALFORMED("Use build-manifest.json from the release bundle unchanged."),
        /** A build manifest named explicitly does not exist. */
        BUILD_MANIFEST_NOT_FOUND("Check the path of the published build manifest ({buildManifest}), or leave it "
                + "unset to use build-manifest.json next to the PCR manifest."),
        /** The rebuild itself failed (forked Maven exited non-zero, or wrote no manifest). */
        REPRODUCE_BUILD_FAILED("Fix what the build log named above shows, or pass the blobs and arguments the release was built "
                + "with ({blobs}, {reproduceArgs})."),
        /** The rebuild measured other PCRs than the published manifest. */
        REPRODUCE_PCR_MISMATCH("See the printed likely cause and reproduce-report.json."),
        /** Files could not be read or written. */
        RELEASE_IO("Check the path, permissions and free disk space.");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        /** What to do about it. */
        @Override
        public String hint() {
            return hint;
        }
    }

    public ReleaseException(Code code, String message) {
        super(code, message, null);
    }

    public ReleaseException(Code code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public Code code() {
        return (Code) super.code();
    }
}
