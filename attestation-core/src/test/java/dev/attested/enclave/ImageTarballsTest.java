package dev.attested.enclave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.attested.pcr.PcrManifest;
import dev.attested.enclave.RamdiskException;
import dev.attested.internal.ramdisk.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tar:// base or an image tarball is found in the project and recorded by content, never by where it lay. */
class ImageTarballsTest {
    @TempDir
    Path dir;

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static TestImages.Layer layer(String content) {
        return new TestImages.Layer().file("etc/release", 0644, 1, content);
    }

    @Test
    void relativeReferenceResolvesAgainstTheProjectAndAbsoluteStaysAsItIs() {
        Path project = dir.resolve("project");
        assertEquals(project.resolve("base/jre.tar"), ImageTarballs.file("tar://base/jre.tar", project));
        assertEquals(dir.resolve("x.tar"), ImageTarballs.file("tar://" + dir.resolve("x.tar"), project));
        assertEquals(project.resolve("base/jre.tar"), ImageTarballs.file("  tar://./base/../base/jre.tar ", project));
    }

    @Test
    void emptyTarReferenceIsBaseImageInvalid() {
        BuildException e = assertThrows(BuildException.class, () -> ImageTarballs.file("tar://", dir));
        assertEquals(BuildException.Code.BASE_IMAGE_INVALID, e.code());
    }

    @Test
    void recordedReferenceIsRelativeToTheProjectOrAbsent() throws Exception {
        Path project = Files.createDirectories(dir.resolve("checkout/project"));
        Files.createDirectories(project.resolve("base"));
        Files.writeString(project.resolve("base/jre.tar"), "x");
        assertEquals("tar://base/jre.tar", ImageTarballs.recordedReference("tar://" + project.resolve("base/jre.tar"), project));
        assertEquals("tar://base/jre.tar", ImageTarballs.recordedReference("tar://base/jre.tar", project));
        assertNull(ImageTarballs.recordedReference("tar://" + dir.resolve("elsewhere.tar"), project));
        assertNull(ImageTarballs.recordedReference("tar://../../elsewhere.tar", project));
        assertEquals("scratch", ImageTarballs.recordedReference(" scratch ", project));
        String pinned = "eclipse-temurin@sha256:" + "ab".repeat(32);
        assertEquals(pinned, ImageTarballs.recordedReference(pinned, project));
    }

    @Test
    void projectRelativePathFollowsSymlinkedCheckouts() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real/project"));
        Files.writeString(real.resolve("image.tar"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertEquals("image.tar", ImageTarballs.projectRelative(real.resolve("image.tar"), link));
        assertEquals("image.tar", ImageTarballs.projectRelative(link.resolve("image.tar"), real));
    }

    @Test
    void dockerSaveIsDescribedByTarballConfigAndLayerDigests() throws Exception {
        Path project = Files.createDirectories(dir.resolve("p"));
        String config = TestImages.config("[\"/bin/sh\"]", null, null);
        Path tar = TestImages.dockerSave(project.resolve("base.tar"), config, layer("one"), layer("two"));
        PcrManifest.Tarball t = ImageTarballs.describe(tar, project);
        assertEquals("base.tar", t.path());
        assertEquals(sha256(Files.readAllBytes(tar)), t.sha256());
        assertEquals("sha256:" + sha256(config.getBytes(StandardCharsets.UTF_8)), t.config());
        assertEquals(2, t.layers().size());
        assertEquals(t, ImageTarballs.describe(tar, project), "the same tarball, the same description");
        Path copy = Files.copy(tar, dir.resolve("outside.tar"));
        PcrManifest.Tarball outside = ImageTarballs.describe(copy, project);
        assertNull(outside.path());
        assertEquals(new PcrManifest.Tarball(null, t.sha256(), t.config(), t.layers()), outside);
    }

    @Test
    void ociLayoutLayersAreTheDigestsOfTheirBlobs() throws Exception {
        byte[] layerBytes = layer("oci").tarBytes(); // the same bytes as the layer in the image
        String config = TestImages.config("[\"/app\"]", null, null);
        Path tar = TestImages.ociLayout(dir.resolve("image.tar"), config, layer("oci"));
        PcrManifest.Tarball t = ImageTarballs.describe(tar, dir);
        assertEquals("image.tar", t.path());
        assertEquals(List.of("sha256:" + sha256(layerBytes)), t.layers());
        assertEquals("sha256:" + sha256(config.getBytes(StandardCharsets.UTF_8)), t.config());
    }

    @Test
    void unreadableOrMalformedTarballsFailWithTheImageReadersCodes() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.tar"), "garbage".repeat(200));
        RamdiskException e = assertThrows(RamdiskException.class, () -> ImageTarballs.describe(garbage, dir));
        assertEquals(RamdiskException.Code.IMAGE_UNREADABLE, e.code());
        RamdiskException missing = assertThrows(RamdiskException.class,
                () -> ImageTarballs.describe(dir.resolve("absent.tar"), dir));
        assertEquals(RamdiskException.Code.IMAGE_UNREADABLE, missing.code());
    }
}
