package dev.attested.maven;

import dev.attested.eif.EifException;
import dev.attested.eif.EifMeasurements;
import dev.attested.enclave.EifInspection;
import java.io.File;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Prints what {@code nitro-cli describe-eif} prints for an EIF (version, PCR0/1/2, PCR8 when signed, signing
 * certificate, CRC and signature checks, metadata) after reading it strictly and measuring it in one pass.
 * Works without a project: {@code mvn dev.attested:attestation-maven-plugin:describe-eif -Dattestation.eif=app.eif}.
 * Fails with the named error ({@code EIF_BAD_MAGIC}, {@code EIF_TRUNCATED}, ...) on a malformed file, and with
 * {@code EIF_CRC_MISMATCH} / {@code EIF_SIGNATURE_INVALID} after printing when a check fails.
 */
@Mojo(name = "describe-eif", requiresProject = false, threadSafe = true)
public class DescribeEifMojo extends AbstractMojo {

    /** The EIF to describe. */
    @Parameter(property = "attestation.eif", defaultValue = "${project.build.directory}/attestation/${project.artifactId}-${project.version}.eif")
    File eif;

    /** Also write the JSON to this file (written atomically); not written when unset. */
    @Parameter(property = "attestation.describe.output")
    File output;

    /** The free-form {@code HashAlgorithm} string of the {@code Measurements} map (the one nitro-cli 1.4 and earlier print). */
    @Parameter(property = "attestation.hashAlgorithm", defaultValue = EifMeasurements.NITRO_CLI_HASH_ALGORITHM)
    String hashAlgorithm = EifMeasurements.NITRO_CLI_HASH_ALGORITHM;

    /** Fail the build when the CRC or the PCR0 signature does not check (the description is printed first). */
    @Parameter(property = "attestation.describe.failOnInvalid", defaultValue = "true")
    boolean failOnInvalid = true;

    /** Skip this goal. */
    @Parameter(property = "attestation.describe.skip", defaultValue = "false")
    boolean skip;

    @Override
    public void execute() throws MojoFailureException {
        MojoErrors.run(this::describeEif);
    }

    private void describeEif() throws Exception {
        if (skip) {
            getLog().info("describe-eif skipped");
            return;
        }
        if (eif == null || !eif.isFile()) {
            throw new EifException(EifException.Code.EIF_IO, "no EIF " + (eif == null ? "given" : "at " + eif)
                    + "; name the file with {eif}=path/to/image.eif");
        }
        EifInspection description;
        try {
            description = EifInspection.of(eif.toPath(), hashAlgorithm);
        } catch (EifException e) {
            // Not a mapping: the reader does not know which file it read, the user should be told.
            throw new EifException(e.code(), eif + ": " + e.detail(), e);
        }
        getLog().info("describe-eif " + eif + ":");
        for (String line : description.json().split("\n", -1)) {
            getLog().info(line);
        }
        if (output != null) {
            description.writeJson(output.toPath());
            getLog().info("Description written to " + output);
        }
        if (failOnInvalid) {
            try {
                description.image().requireIntact();
            } catch (EifException e) {
                throw new EifException(e.code(), eif + ": " + e.detail(), e);
            }
        }
    }
}
