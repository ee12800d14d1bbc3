package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** build-eif's image limits ({@code maxImageBytes}, {@code maxImageEntries}): parameters, defaults, errors. */
class BuildEifLimitsTest {
    @TempDir
    Path dir;

    private static BuildEifMojo quiet(BuildEifMojo mojo) {
        mojo.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                // the PCR table is not what these tests look at
            }
        });
        return mojo;
    }

    @Test
    void anImageAboveMaxImageEntriesFailsWithImageLimitAndNoEif() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = quiet(MojoProjects.mojo(project));
        mojo.maxImageEntries = 5; // the project's image has more: /app, its jar, /app/lib, the dependency, …
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("IMAGE_LIMIT: ") && e.getMessage().contains("more than 5 entries")
                && e.getMessage().contains("aise -Dattestation.maxImageEntries only if"), e.getMessage());
        assertFalse(Files.exists(project.resolve("target/attestation/app-1.0.eif")));
        assertFalse(Files.exists(project.resolve("target/attestation/pcr-manifest.json")));
    }

    @Test
    void anImageAboveMaxImageBytesFailsWithImageLimit() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = quiet(MojoProjects.mojo(project));
        mojo.maxImageBytes = 1024;
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("IMAGE_LIMIT: ") && e.getMessage().contains("maxImageBytes=1024")
                && e.getMessage().contains("aise -Dattestation.maxImageBytes only if"), e.getMessage());
        assertFalse(Files.exists(project.resolve("target/attestation/app-1.0.eif")));
    }

    @Test
    void theDefaultsBuildTheProject() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = quiet(MojoProjects.mojo(project));
        assertEquals(8L << 30, mojo.maxImageBytes);
        assertEquals(1_000_000L, mojo.maxImageEntries);
        mojo.execute();
        assertTrue(Files.exists(project.resolve("target/attestation/app-1.0.eif")));
    }

    @Test
    void aLimitThatIsNotPositiveIsInputInvalid() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = quiet(MojoProjects.mojo(project));
        mojo.maxImageBytes = 0;
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("INPUT_INVALID: maxImageBytes must be positive"), e.getMessage());
    }

    /** What a user types: the properties and defaults in the generated plugin descriptor. */
    @Test
    void theParametersAreSetByTheirPropertiesWithTheDocumentedDefaults() throws Exception {
        Document plugin;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/maven/plugin.xml")) {
            plugin = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        XPath x = XPathFactory.newInstance().newXPath();
        String mojo = "/plugin/mojos/mojo[goal='build-eif']/configuration/";
        assertEquals("${attestation.maxImageBytes}", x.evaluate(mojo + "maxImageBytes", plugin));
        assertEquals("8589934592", x.evaluate(mojo + "maxImageBytes/@default-value", plugin));
        assertEquals("${attestation.maxImageEntries}", x.evaluate(mojo + "maxImageEntries", plugin));
        assertEquals("1000000", x.evaluate(mojo + "maxImageEntries/@default-value", plugin));
    }
}
