package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.enclave.BootBlobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageBlobsMojoTest {
    @TempDir
    Path dir;

    private PackageBlobsMojo mojo(Path blobs, Path zip, MavenProject project) throws Exception {
        PackageBlobsMojo m = new PackageBlobsMojo(new AttachingHelper());
        set(m, "blobsDirectory", blobs.toFile());
        set(m, "outputFile", zip.toFile());
        set(m, "project", project);
        return m;
    }

    /** Records attachments on the project the way Maven's helper does (the real one needs a Maven container). */
    static final class AttachingHelper implements org.apache.maven.project.MavenProjectHelper {
        @Override
        @SuppressWarnings("deprecation") // what DefaultMavenProjectHelper itself calls
        public void attachArtifact(MavenProject project, String type, String classifier, java.io.File file) {
            org.apache.maven.artifact.DefaultArtifact a = new org.apache.maven.artifact.DefaultArtifact(
                    project.getGroupId(), project.getArtifactId(), project.getVersion(), null, type, classifier,
                    new org.apache.maven.artifact.handler.DefaultArtifactHandler(type));
            a.setFile(file);
            project.addAttachedArtifact(a);
        }

        @Override
        public void attachArtifact(MavenProject project, java.io.File file, String classifier) {
            attachArtifact(project, "jar", classifier, file);
        }

        @Override
        public void attachArtifact(MavenProject project, String type, java.io.File file) {
            attachArtifact(project, type, null, file);
        }

        @Override
        public void addResource(MavenProject p, String dir, java.util.List<String> in, java.util.List<String> ex) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addTestResource(MavenProject p, String dir, java.util.List<String> in, java.util.List<String> ex) {
            throw new UnsupportedOperationException();
        }
    }

    private static void set(Object o, String field, Object value) throws Exception {
        java.lang.reflect.Field f = o.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(o, value);
    }

    private static MavenProject project() {
        Model model = new Model();
        model.setGroupId("com.example");
        model.setArtifactId("nitro-blobs");
        model.setVersion("1.4.2");
        model.setPackaging("pom");
        return new MavenProject(model);
    }

    @Test
    void blobsDirectoryBecomesAnAttachedDeterministicZipThatBuildEifCanUnpack() throws Exception {
        Path blobs = MojoProjects.create(dir.resolve("p")).resolve("blobs");
        MavenProject project = project();
        mojo(blobs, dir.resolve("a.zip"), project).execute();
        assertEquals("x86_64", project.getAttachedArtifacts().get(0).getClassifier());
        assertEquals("zip", project.getAttachedArtifacts().get(0).getType());

        Files.setLastModifiedTime(blobs.resolve("init"), FileTime.fromMillis(42));
        mojo(blobs, dir.resolve("b.zip"), project()).execute();
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.zip")), Files.readAllBytes(dir.resolve("b.zip")));

        BootBlobs back = BootBlobs.unzip(dir.resolve("a.zip"), dir.resolve("unpacked"), Optional.empty());
        assertEquals(BootBlobs.load(blobs).sha256(), back.sha256());
    }

    @Test
    void incompleteBlobsAreRefusedWithoutAZip() throws Exception {
        Path blobs = MojoProjects.create(dir.resolve("p")).resolve("blobs");
        Files.delete(blobs.resolve("cmdline"));
        MojoFailureException e = assertThrows(MojoFailureException.class,
                () -> mojo(blobs, dir.resolve("a.zip"), project()).execute());
        assertTrue(e.getMessage().startsWith("BLOBS_INCOMPLETE"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("a.zip")));
    }
}
