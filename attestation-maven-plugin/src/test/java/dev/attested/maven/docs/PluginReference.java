package dev.attested.maven.docs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

/**
 * Renders {@code docs/plugin-reference.md} from the plugin descriptor that maven-plugin-plugin writes
 * ({@code target/plugin-enhanced.xml}: the same goals and parameters as {@code META-INF/maven/plugin.xml}, with the
 * javadoc kept as HTML so that {@code {@code …}} stays code). The page is a pure function of the descriptor: goals
 * and parameters sorted by name, LF line ends, nothing from the host.
 *
 * <p>Regenerate after changing a mojo's javadoc or parameters: {@link #REGENERATE}.
 */
public final class PluginReference {

    /** The command that rewrites the committed page; named by the test when the page is stale. */
    public static final String REGENERATE = "./mvnw -B -q -pl attestation-maven-plugin -am test"
            + " -Dtest=PluginReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dattested.mutation.skip=true"
            + " -Dattested.docs.regenerate=true";

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    private PluginReference() {
    }

    /** One goal parameter as the reference shows it. */
    record Parameter(String name, String type, String property, String defaultValue, boolean required,
            String description, String deprecated, String since) {
    }

    /** One goal. */
    record Goal(String name, String description, String phase, boolean requiresProject, boolean threadSafe,
            String dependencyResolution, List<Parameter> parameters) {
    }

    /** Reads the goals of a plugin descriptor (plugin.xml or plugin-enhanced.xml). */
    public static List<Goal> read(Path descriptor) throws IOException {
        Document xml;
        try (InputStream in = Files.newInputStream(descriptor)) {
            xml = parser().parse(in);
        } catch (SAXException | ParserConfigurationException e) {
            throw new IOException("cannot parse the plugin descriptor " + descriptor + ": " + e.getMessage(), e);
        }
        List<Goal> goals = new ArrayList<>();
        for (org.w3c.dom.Element mojo : children(child(xml.getDocumentElement(), "mojos"), "mojo")) {
            org.w3c.dom.Element configuration = child(mojo, "configuration");
            List<Parameter> parameters = new ArrayList<>();
            for (org.w3c.dom.Element p : children(child(mojo, "parameters"), "parameter")) {
                if (!Boolean.parseBoolean(text(p, "editable"))) {
                    continue; // read-only injections (${project}, sessions) are not parameters a user sets
                }
                String name = text(p, "name");
                org.w3c.dom.Element config = configuration == null ? null : child(configuration, name);
                String property = null;
                String defaultValue = null;
                if (config != null) {
                    Matcher m = PROPERTY.matcher(config.getTextContent().trim());
                    if (m.matches()) {
                        property = m.group(1);
                    }
                    if (config.hasAttribute("default-value")) {
                        defaultValue = config.getAttribute("default-value");
                    }
                }
                parameters.add(new Parameter(name, text(p, "type"), property, defaultValue,
                        Boolean.parseBoolean(text(p, "required")), text(p, "description"), text(p, "deprecated"),
                        text(p, "since")));
            }
            parameters.sort(Comparator.comparing(Parameter::name));
            goals.add(new Goal(text(mojo, "goal"), text(mojo, "description"), text(mojo, "phase"),
                    Boolean.parseBoolean(text(mojo, "requiresProject")), Boolean.parseBoolean(text(mojo, "threadSafe")),
                    text(mojo, "requiresDependencyResolution"), List.copyOf(parameters)));
        }
        goals.sort(Comparator.comparing(Goal::name));
        return List.copyOf(goals);
    }

    /** The Markdown page for a descriptor. */
    public static String render(Path descriptor) throws IOException {
        org.w3c.dom.Element plugin;
        try (InputStream in = Files.newInputStream(descriptor)) {
            plugin = parser().parse(in).getDocumentElement();
        } catch (SAXException | ParserConfigurationException e) {
            throw new IOException("cannot parse the plugin descriptor " + descriptor + ": " + e.getMessage(), e);
        }
        String groupId = text(plugin, "groupId");
        String artifactId = text(plugin, "artifactId");
        String prefix = text(plugin, "goalPrefix");
        List<Goal> goals = read(descriptor);

        StringBuilder md = new StringBuilder();
        md.append("# `").append(artifactId).append("` reference\n\n");
        md.append("<!-- Generated from the plugin descriptor by dev.attested.maven.docs.PluginReference; do not edit.\n");
        md.append("     Regenerate: ").append(REGENERATE).append(" -->\n\n");
        md.append("Every goal of `").append(groupId).append(':').append(artifactId)
                .append("` with every parameter, generated from the goals' javadoc. Call a goal as `mvn ")
                .append(prefix).append(":<goal>` in a project that declares the plugin, or by its full coordinates (`mvn ")
                .append(groupId).append(':').append(artifactId).append(":<version>:<goal>`) where the goal needs no ")
                .append("project. Set a parameter in the plugin's `<configuration>` or, where it has a user property, ")
                .append("with `-D<property>=<value>`. `mvn ").append(prefix)
                .append(":help -Ddetail -Dgoal=<goal>` prints the same on the command line.\n\n");
        md.append("| Goal | What it does |\n|---|---|\n");
        for (Goal goal : goals) {
            md.append("| [`").append(goal.name()).append("`](#").append(anchor(goal.name())).append(") | ")
                    .append(firstSentence(Markdown.cell(goal.description()))).append(" |\n");
        }
        for (Goal goal : goals) {
            md.append("\n## ").append(goal.name()).append("\n\n");
            md.append('`').append(prefix).append(':').append(goal.name()).append("`");
            List<String> facts = new ArrayList<>();
            facts.add(goal.phase() == null ? "binds to no phase by default" : "binds to `" + goal.phase() + "`");
            facts.add(goal.requiresProject() ? "needs a project" : "runs without a project");
            if (goal.dependencyResolution() != null) {
                facts.add("resolves `" + goal.dependencyResolution() + "` dependencies");
            }
            facts.add(goal.threadSafe() ? "thread-safe" : "not thread-safe");
            md.append(" — ").append(String.join(", ", facts)).append(".\n");
            String goalDescription = Markdown.block(goal.description());
            if (!goalDescription.isBlank()) {
                md.append('\n').append(goalDescription);
            }
            if (goal.parameters().isEmpty()) {
                md.append("\nThis goal has no parameters.\n");
                continue;
            }
            md.append("\n| Parameter | Type | User property | Default | Required | Description |\n");
            md.append("|---|---|---|---|---|---|\n");
            for (Parameter p : goal.parameters()) {
                StringBuilder description = new StringBuilder(Markdown.cell(p.description()));
                if (p.deprecated() != null) {
                    description.insert(0, "**Deprecated:** " + Markdown.cell(p.deprecated()) + " ");
                }
                if (p.since() != null) {
                    description.append(" Since ").append(Markdown.escape(p.since(), true)).append('.');
                }
                md.append("| `").append(p.name()).append("` | ").append(Markdown.code(simpleType(p.type()), true))
                        .append(" | ").append(p.property() == null ? "—" : Markdown.code(p.property(), true))
                        .append(" | ").append(p.defaultValue() == null ? "—" : Markdown.code(p.defaultValue(), true))
                        .append(" | ").append(p.required() ? "yes" : "no")
                        .append(" | ").append(description.length() == 0 ? "—" : description).append(" |\n");
            }
        }
        return md.toString();
    }

    /** Writes the page for {@code args[0]} (descriptor) to {@code args[1]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: PluginReference <plugin-enhanced.xml> <plugin-reference.md>");
        }
        write(Path.of(args[1]), render(Path.of(args[0])));
    }

    /** Writes {@code content} to {@code target} through a sibling temporary file, so no partial page is left. */
    static void write(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    /** The text up to the first ". " or ": " outside parentheses (the goal table's summary). */
    static String firstSentence(String text) {
        int depth = 0;
        boolean code = false;
        for (int i = 0; i + 1 < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '`') {
                code = !code;
            } else if (!code && c == '(') {
                depth++;
            } else if (!code && c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (!code && depth == 0 && (c == '.' || c == ':') && text.charAt(i + 1) == ' ') {
                return text.substring(0, i) + ".";
            }
        }
        return text;
    }

    /** {@code java.util.List<java.lang.String>} as {@code List<String>}; other packages stay. */
    static String simpleType(String type) {
        if (type == null) {
            return "?";
        }
        return type.replaceAll("\\bjava\\.(?:lang|util|io)\\.(?=[A-Z])", "");
    }

    private static DocumentBuilder parser() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder();
    }

    private static org.w3c.dom.Element child(org.w3c.dom.Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof org.w3c.dom.Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<org.w3c.dom.Element> children(org.w3c.dom.Element parent, String name) {
        List<org.w3c.dom.Element> out = new ArrayList<>();
        if (parent != null) {
            for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof org.w3c.dom.Element e && e.getTagName().equals(name)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static String text(org.w3c.dom.Element parent, String name) {
        org.w3c.dom.Element e = child(parent, name);
        if (e == null) {
            return null;
        }
        String t = e.getTextContent().trim();
        return t.isEmpty() ? null : t;
    }

    /** HTML (the descriptor's javadoc) to Markdown, with jsoup doing the HTML parsing. */
    static final class Markdown {

        private Markdown() {
        }

        /** A description as Markdown blocks (paragraphs, lists, code blocks), for the text under a heading. */
        static String block(String html) {
            if (html == null) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            Element body = Jsoup.parseBodyFragment(html).body();
            blocks(body, out, "");
            String md = out.toString().replaceAll("\n{3,}", "\n\n").strip();
            return md.isEmpty() ? "" : md + "\n";
        }

        /** A description on one line, for a table cell: blocks are joined by spaces, pipes escaped. */
        static String cell(String html) {
            if (html == null) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            inline(Jsoup.parseBodyFragment(html).body(), out, true);
            return out.toString().replaceAll("\\s+", " ").strip();
        }

        private static void blocks(Element parent, StringBuilder out, String indent) {
            StringBuilder paragraph = new StringBuilder();
            for (Node node : parent.childNodes()) {
                if (node instanceof Element e && isBlock(e)) {
                    flush(paragraph, out, indent);
                    switch (e.normalName()) {
                        case "ul", "ol" -> {
                            int n = 1;
                            for (Element li : e.children()) {
                                StringBuilder item = new StringBuilder();
                                inline(li, item, false);
                                String marker = e.normalName().equals("ol") ? (n++) + ". " : "- ";
                                out.append(indent).append(marker)
                                        .append(item.toString().replaceAll("\\s+", " ").strip()).append('\n');
                            }
                            out.append('\n');
                        }
                        case "pre" -> {
                            String code = e.wholeText().replaceAll("^\n+|\\s+$", "");
                            String fence = code.contains("```") ? "~~~~" : "```";
                            out.append(indent).append(fence).append('\n').append(code).append('\n')
                                    .append(indent).append(fence).append("\n\n");
                        }
                        default -> blocks(e, out, indent);
                    }
                } else if (node instanceof Element e && e.normalName().equals("br")) {
                    flush(paragraph, out, indent);
                } else if (node instanceof Element e) {
                    inlineElement(e, paragraph, false);
                } else if (node instanceof TextNode t) {
                    paragraph.append(escape(t.getWholeText(), false));
                }
            }
            flush(paragraph, out, indent);
        }

        private static void flush(StringBuilder paragraph, StringBuilder out, String indent) {
            String text = paragraph.toString().replaceAll("\\s+", " ").strip();
            paragraph.setLength(0);
            if (!text.isEmpty()) {
                if (text.startsWith(">") || text.startsWith("#") || text.matches("^([-+*]|\\d+[.)]) .*")) {
                    text = "\\" + text;
                }
                out.append(indent).append(text).append("\n\n");
            }
        }

        private static boolean isBlock(Element e) {
            return switch (e.normalName()) {
                case "p", "div", "ul", "ol", "pre", "blockquote", "dl", "table" -> true;
                default -> false;
            };
        }

        private static void inline(Element parent, StringBuilder out, boolean inTable) {
            for (Node node : parent.childNodes()) {
                if (node instanceof TextNode t) {
                    out.append(escape(t.getWholeText(), inTable));
                } else if (node instanceof Element e) {
                    inlineElement(e, out, inTable);
                }
            }
        }

        private static void inlineElement(Element e, StringBuilder out, boolean inTable) {
            switch (e.normalName()) {
                case "code", "tt", "kbd", "samp" -> out.append(code(e.wholeText(), inTable));
                case "pre" -> out.append(' ').append(code(e.wholeText().replaceAll("\\s+", " ").strip(), inTable))
                        .append(' ');
                case "b", "strong" -> out.append("**").append(inner(e, inTable)).append("**");
                case "i", "em" -> out.append('*').append(inner(e, inTable)).append('*');
                case "a" -> {
                    String href = e.attr("href");
                    String label = inner(e, inTable);
                    out.append(href.isEmpty() ? label : "[" + label + "](" + href.replace(" ", "%20") + ")");
                }
                case "br" -> out.append(' ');
                case "li" -> out.append(" • ").append(inner(e, inTable)).append(' ');
                case "p", "div", "ul", "ol", "blockquote" -> out.append(' ').append(inner(e, inTable)).append(' ');
                default -> inline(e, out, inTable);
            }
        }

        private static String inner(Element e, boolean inTable) {
            StringBuilder sb = new StringBuilder();
            inline(e, sb, inTable);
            return sb.toString().replaceAll("\\s+", " ").strip();
        }

        /** A code span holding {@code text} verbatim (backticks in it get a longer fence). */
        static String code(String text, boolean inTable) {
            String t = text.replaceAll("\\s+", " ");
            String fence = "`";
            while (t.contains(fence)) {
                fence += "`";
            }
            String pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
            String span = fence + pad + t + pad + fence;
            return inTable ? span.replace("|", "\\|") : span;
        }

        /** Plain text with the characters Markdown would read as syntax escaped. */
        static String escape(String text, boolean inTable) {
            StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '\\', '`', '*', '[', ']', '<' -> out.append('\\').append(c);
                    case '|' -> out.append(inTable ? "\\|" : "|");
                    case '_' -> {
                        boolean before = i > 0 && Character.isLetterOrDigit(text.charAt(i - 1));
                        boolean after = i + 1 < text.length() && Character.isLetterOrDigit(text.charAt(i + 1));
                        out.append(before && after ? "_" : "\\_");
                    }
                    case '&' -> out.append(text.substring(i).matches("(?s)&#?[A-Za-z0-9]+;.*") ? "\\&" : "&");
                    default -> out.append(c);
                }
            }
            return out.toString();
        }
    }
}
