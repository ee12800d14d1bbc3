package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * One configuration for every goal: the README tells users to put the configuration at plugin level, where every
 * goal reads every parameter of its name. So a parameter name means one type and one user property in every goal,
 * and every user property is namespaced {@code attestation.*} (except verify's documented {@code doc} and the
 * generated help goal's).
 */
class PluginParametersTest {
    private static final Path DESCRIPTOR = Path.of("target/classes/META-INF/maven/plugin.xml");

    /** A user-settable parameter of one goal. */
    record Param(String goal, String name, String type, String property) {}

    static List<Param> parameters() throws Exception {
        assertTrue(Files.isRegularFile(DESCRIPTOR), "the plugin descriptor is generated before the tests: " + DESCRIPTOR);
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(DESCRIPTOR.toFile()).getDocumentElement();
        List<Param> out = new ArrayList<>();
        for (Element mojo : children(child(root, "mojos"), "mojo")) {
            String goal = text(mojo, "goal");
            Map<String, String> properties = new TreeMap<>();
            Element conf = child(mojo, "configuration");
            if (conf != null) {
                for (Element c : children(conf, null)) {
                    properties.put(c.getTagName(), c.getTextContent().strip());
                }
            }
            for (Element p : children(child(mojo, "parameters"), "parameter")) {
                if ("true".equals(text(p, "editable"))) {
                    String expr = properties.getOrDefault(text(p, "name"), "");
                    String property = expr.startsWith("${") && expr.endsWith("}") ? expr.substring(2, expr.length() - 1) : null;
                    out.add(new Param(goal, text(p, "name"), text(p, "type"), property));
                }
            }
        }
        return out;
    }

    @Test
    void aParameterNameHasOneTypeAndOnePropertyInEveryGoal() throws Exception {
        Map<String, List<Param>> byName = new TreeMap<>();
        parameters().forEach(p -> byName.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p));
        assertTrue(byName.containsKey("imageEnvironment") && byName.containsKey("releaseDirectory"), byName.keySet().toString());
        for (Map.Entry<String, List<Param>> e : byName.entrySet()) {
            List<Param> ps = e.getValue();
            assertEquals(1, ps.stream().map(Param::type).distinct().count(), "type of " + e.getKey() + " differs: " + ps);
            if (!e.getKey().equals("skip")) {
                // skip is per goal on purpose (attestation.<goal>.skip); at plugin level it skips every goal.
                assertEquals(1, ps.stream().map(p -> String.valueOf(p.property())).distinct().count(),
                        "property of " + e.getKey() + " differs: " + ps);
            }
        }
        // The map that broke verify, kms-policy and release at plugin level has a name of its own.
        assertTrue(byName.get("environment").stream().allMatch(p -> p.type().equals("java.lang.String")), byName.get("environment").toString());
        assertEquals(List.of("build-eif"), byName.get("imageEnvironment").stream().map(Param::goal).toList());
    }

    @Test
    void userPropertiesAreNamespaced() throws Exception {
        Set<String> exceptions = Set.of("verify/doc", "help/detail", "help/goal", "help/indentSize", "help/lineLength");
        for (Param p : parameters()) {
            if (p.property() != null && !exceptions.contains(p.goal() + "/" + p.name())) {
                assertTrue(p.property().startsWith("attestation."), p.toString());
            }
        }
        assertTrue(parameters().contains(new Param("verify", "doc", "java.io.File", "doc")));
    }

    @Test
    void aUserPropertyMeansOneParameter() throws Exception {
        Map<String, Set<String>> names = new TreeMap<>();
        for (Param p : parameters()) {
            if (p.property() != null) {
                names.computeIfAbsent(p.property(), k -> new java.util.TreeSet<>()).add(p.name() + ":" + p.type());
            }
        }
        names.forEach((property, ps) -> assertEquals(1, ps.size(), property + " sets " + ps));
    }

    private static Element child(Element e, String name) {
        List<Element> c = children(e, name);
        return c.isEmpty() ? null : c.get(0);
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && (name == null || c.getTagName().equals(name))) {
                out.add(c);
            }
        }
        return out;
    }

    private static String text(Element e, String name) {
        Element c = child(e, name);
        return c == null ? null : c.getTextContent().strip();
    }
}
