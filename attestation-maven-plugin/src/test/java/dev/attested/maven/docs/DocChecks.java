package dev.attested.maven.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks of Markdown pages against the repository: relative links, and the classes and modules they name. */
final class DocChecks {

    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[(?:[^\\]\\\\]|\\\\.)*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```+|~~~+).*");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");
    private static final Pattern JAVA_NAME = Pattern.compile("(?<![\\w./-])dev\\.attested(?:\\.[A-Za-z_$][\\w$]*)+(?![\\w$-])");
    private static final Pattern MODULE_NAME = Pattern.compile(
            "(?<![\\w/.#-])attestation-(?:maven-plugin|[a-z]+)(?![\\w-]|\\.md|\\.[a-z])");
    private static final Pattern POM_MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

    private DocChecks() {
    }

    /**
     * Every relative link of {@code files} that does not resolve, as {@code file:line: target (why)}. A page in
     * {@code pendingPages} (relative to the root) may be linked while it is absent; once present it is checked.
     */
    static List<String> deadLinks(Path root, List<Path> files, Set<String> pendingPages) throws IOException {
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> dead = new ArrayList<>();
        Path normalRoot = root.toAbsolutePath().normalize();
        for (Path file : files) {
            List<String> lines = proseLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line == null) {
                    continue;
                }
                List<String> targets = new ArrayList<>();
                Matcher m = INLINE_LINK.matcher(line);
                while (m.find()) {
                    targets.add(m.group(1));
                }
                Matcher ref = REFERENCE_DEFINITION.matcher(line);
                if (ref.matches()) {
                    targets.add(ref.group(1));
                }
                for (String target : targets) {
                    String why = check(normalRoot, file.toAbsolutePath().normalize(), target, anchors, pendingPages);
                    if (why != null) {
                        dead.add(normalRoot.relativize(file.toAbsolutePath().normalize()) + ":" + (i + 1) + ": "
                                + target + " (" + why + ")");
                    }
                }
            }
        }
        return dead;
    }

    private static String check(Path root, Path file, String target, Map<Path, Set<String>> anchors,
            Set<String> pendingPages) throws IOException {
        if (SCHEME.matcher(target).matches()) {
            return null; // absolute URL: not checked offline
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = path.isEmpty() ? file
                : file.getParent().resolve(java.net.URLDecoder.decode(path, java.nio.charset.StandardCharsets.UTF_8))
                        .normalize();
        if (!resolved.startsWith(root)) {
            return "leaves the repository";
        }
        if (!Files.exists(resolved)) {
            return pendingPages.contains(root.relativize(resolved).toString().replace('\\', '/')) ? null
                    : "no such file";
        }
        if (anchor != null && !anchor.isEmpty()) {
            if (!resolved.toString().endsWith(".md") || !Files.isRegularFile(resolved)) {
                return "an anchor into a file that is not Markdown";
            }
            Set<String> known = anchors.get(resolved);
            if (known == null) {
                known = anchors(resolved);
                anchors.put(resolved, known);
            }
            if (!known.contains(anchor)) {
                return "no heading or anchor #" + anchor + " in " + root.relativize(resolved);
            }
        }
        return null;
    }

    /** The anchors a forge gives a page: heading slugs (GitHub's rules, with -1, -2 for repeats) and a id/name. */
    static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        String fence = null;
        for (String line : Files.readAllLines(page)) {
            Matcher f = FENCE.matcher(line);
            if (f.matches()) {
                String marker = f.group(1);
                if (!fenced) {
                    fenced = true;
                    fence = marker;
                    continue;
                } else if (marker.charAt(0) == fence.charAt(0) && marker.length() >= fence.length()
                        && line.strip().equals(marker)) {
                    fenced = false;
                    continue;
                }
            }
            if (fenced) {
                continue;
            }
            Matcher a = HTML_ANCHOR.matcher(line);
            while (a.find()) {
                anchors.add(a.group(1));
            }
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                String slug = slug(h.group(1));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        return anchors;
    }

    /** GitHub's heading slug: the text without markup, lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
        StringBuilder slug = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || Character.getType(c) == Character.NON_SPACING_MARK) {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }

    /**
     * The lines of a page with fenced code blocks and code spans blanked out ({@code null} for a line inside a
     * fence), so that link syntax shown as code is not taken for a link.
     */
    private static List<String> proseLines(Path page) throws IOException {
        List<String> out = new ArrayList<>();
        boolean fenced = false;
        String fence = null;
        for (String line : Files.readAllLines(page)) {
            Matcher f = FENCE.matcher(line);
            if (f.matches()) {
                String marker = f.group(1);
                if (!fenced) {
                    fenced = true;
                    fence = marker;
                    out.add(null);
                    continue;
                } else if (marker.charAt(0) == fence.charAt(0) && marker.length() >= fence.length()
                        && line.strip().equals(marker)) {
                    fenced = false;
                    out.add(null);
                    continue;
                }
            }
            out.add(fenced ? null : CODE_SPAN.matcher(line).replaceAll(""));
        }
        return out;
    }

    /**
     * Every {@code dev.attested…} class, nested name or package and every {@code attestation-*} module named in
     * {@code files} that the repository does not hold, as {@code file:line: name}.
     */
    static List<String> missingNames(Path root, List<Path> files, Map<String, String> pendingModules)
            throws IOException {
        List<Path> sourceRoots = sourceRoots(root);
        List<String> missing = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String where = root.relativize(file) + ":" + (i + 1) + ": ";
                Matcher j = JAVA_NAME.matcher(lines.get(i));
                while (j.find()) {
                    if (!javaNameExists(root, sourceRoots, j.group(), pendingModules)) {
                        missing.add(where + j.group());
                    }
                }
                Matcher m = MODULE_NAME.matcher(lines.get(i));
                while (m.find()) {
                    String module = m.group();
                    if (!pendingModules.containsKey(module) && !Files.isRegularFile(root.resolve(module).resolve("pom.xml"))) {
                        missing.add(where + module);
                    }
                }
            }
        }
        return missing;
    }

    private static boolean javaNameExists(Path root, List<Path> sourceRoots, String name,
            Map<String, String> pendingModules) throws IOException {
        for (Map.Entry<String, String> pending : pendingModules.entrySet()) {
            if ((name.equals(pending.getValue()) || name.startsWith(pending.getValue() + "."))
                    && !Files.exists(root.resolve(pending.getKey()))) {
                return true; // a module still being added: checked once it is in the checkout
            }
        }
        String[] segments = name.split("\\.");
        int type = -1;
        for (int k = 0; k < segments.length; k++) {
            if (Character.isUpperCase(segments[k].charAt(0))) {
                type = k;
                break;
            }
        }
        String packagePath = String.join("/", java.util.Arrays.copyOfRange(segments, 0, type < 0 ? segments.length : type));
        for (Path sourceRoot : sourceRoots) {
            if (type < 0) {
                if (Files.isDirectory(sourceRoot.resolve(packagePath))) {
                    return true;
                }
                continue;
            }
            Path source = sourceRoot.resolve(packagePath).resolve(segments[type] + ".java");
            if (Files.isRegularFile(source)) {
                String code = Files.readString(source);
                for (int k = type + 1; k < segments.length; k++) {
                    if (!Pattern.compile("\\b" + Pattern.quote(segments[k]) + "\\b").matcher(code).find()) {
                        return false; // nested type, constant or method the class does not declare
                    }
                }
                return true;
            }
        }
        return false;
    }

    /** Every {@code src/<set>/java} directory of the checkout (modules and it/ projects), build output skipped. */
    static List<Path> sourceRoots(Path root) throws IOException {
        List<Path> roots = new ArrayList<>();
        Set<String> skipped = Set.of("target", ".git", "node_modules", ".mvn", "test-vectors");
        Files.walkFileTree(root, Set.of(), 8, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                    java.nio.file.attribute.BasicFileAttributes attrs) {
                Path rel = root.relativize(dir);
                if (rel.getNameCount() > 0 && skipped.contains(rel.getFileName().toString())) {
                    return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                }
                int count = rel.getNameCount();
                if (count >= 3 && rel.getName(count - 1).toString().equals("java")
                        && rel.getName(count - 3).toString().equals("src")) {
                    roots.add(dir);
                    return java.nio.file.FileVisitResult.SKIP_SUBTREE;
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        roots.sort(null);
        return roots;
    }

    /** The {@code <module>} entries of the root pom. */
    static List<String> reactorModules(Path root) throws IOException {
        List<String> modules = new ArrayList<>();
        Matcher m = POM_MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        while (m.find()) {
            modules.add(m.group(1));
        }
        return modules;
    }
}
