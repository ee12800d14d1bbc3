package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.Option;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every option a hint can name is rendered as a user property that a goal really has. */
class MavenOptionsTest {

    @Test
    void everyOptionIsAUserPropertyOfSomeGoal() throws IOException {
        Path descriptor = Path.of("target", "classes", "META-INF", "maven", "plugin.xml");
        assertTrue(Files.isRegularFile(descriptor), descriptor + " missing: the plugin descriptor is built before tests");
        String xml = Files.readString(descriptor, StandardCharsets.UTF_8);
        Set<String> properties = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9_.]+)\\}").matcher(xml);
        while (m.find()) {
            properties.add(m.group(1));
        }
        assertTrue(properties.contains("attestation.blobs"), "no user properties read from " + descriptor);
        Set<String> unknown = new TreeSet<>();
        for (Option o : Option.values()) {
            if (!properties.contains(MavenOptions.property(o))) {
                unknown.add(o + " -> " + MavenOptions.property(o));
            }
        }
        assertEquals(Set.of(), unknown, "MavenOptions names properties no goal has");
    }

    @Test
    void rendersAsMavenUserProperties() {
        assertEquals("Pass -Dattestation.signingKey=k", MavenOptions.RENDERER.apply("Pass {signingKey}=k"));
        assertEquals("keep {unknown}", MavenOptions.RENDERER.apply("keep {unknown}"));
    }
}
