package dev.attested;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The public surface of attestation-core is its API packages; everything else lives under
 * {@code dev.attested.internal} and may change without notice. Reflection over the compiled main classes.
 */
class ApiSurfaceTest {
    /** The API packages: what users (the plugin, the CLI, applications) may use. */
    static final Set<String> API_PACKAGES = Set.of("dev.attested", "dev.attested.attestation", "dev.attested.eif",
            "dev.attested.enclave", "dev.attested.kms", "dev.attested.nsm", "dev.attested.pcr", "dev.attested.release",
            "dev.attested.testkit");
    static final String INTERNAL = "dev.attested.internal";

    private static List<Class<?>> classes;

    @BeforeAll
    static void loadMainClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(ErrorCode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(root.resolve("dev/attested")), "main classes not found under " + root);
        List<String> names;
        try (Stream<Path> files = Files.walk(root)) {
            names = files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> root.relativize(f).toString().replace('\\', '/'))
                    .filter(n -> !n.endsWith("module-info.class") && !n.endsWith("package-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .sorted().toList();
        }
        classes = new ArrayList<>();
        for (String n : names) {
            classes.add(Class.forName(n, false, ApiSurfaceTest.class.getClassLoader()));
        }
        assertTrue(classes.size() > 50, "only " + classes.size() + " classes found under " + root);
    }

    @Test
    void everyClassIsInAnApiPackageOrInternal() {
        Set<String> stray = new TreeSet<>();
        for (Class<?> c : classes) {
            String pkg = c.getPackageName();
            if (!API_PACKAGES.contains(pkg) && !pkg.equals(INTERNAL) && !pkg.startsWith(INTERNAL + ".")) {
                stray.add(c.getName());
            }
        }
        assertEquals(Set.of(), stray, "classes outside the API packages " + API_PACKAGES + " and " + INTERNAL
                + ".*: move them into one");
    }

    @Test
    void noPublicSignatureOfAnApiTypeMentionsAnInternalType() {
        Set<String> leaks = new TreeSet<>();
        for (Class<?> c : classes) {
            if (!API_PACKAGES.contains(c.getPackageName()) || !isExported(c)) {
                continue;
            }
            check(leaks, c.getName() + " extends", c.getGenericSuperclass());
            for (Type t : c.getGenericInterfaces()) {
                check(leaks, c.getName() + " implements", t);
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f) && !f.isSynthetic()) {
                    check(leaks, c.getName() + "." + f.getName(), f.getGenericType());
                }
            }
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    check(leaks, c.getName() + "." + rc.getName() + "()", rc.getGenericType());
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m) && !m.isSynthetic() && !m.isBridge()) {
                    check(leaks, c.getName() + "." + m.getName() + "() returns", m.getGenericReturnType());
                    checkExecutable(leaks, c.getName() + "." + m.getName() + "()", m);
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k) && !k.isSynthetic()) {
                    checkExecutable(leaks, c.getName() + ".<init>", k);
                }
            }
        }
        assertEquals(Set.of(), leaks, "public API signatures that mention " + INTERNAL
                + " types: wrap them or move the type into an API package");
    }

    @Test
    void everyAttestedExceptionIsInTheErrorCatalog() {
        Set<String> listed = ErrorCatalog.areas().stream().map(ErrorCatalog.Area::exceptionType)
                .collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (Class<?> c : classes) {
            if (AttestedException.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
                String simple = c.getName().substring(c.getPackageName().length() + 1).replace('$', '.');
                if (!listed.contains(simple)) {
                    missing.add(c.getName());
                }
            }
        }
        assertEquals(Set.of(), missing, "add these exception types and their codes to ErrorCatalog (docs/errors.md)");
    }

    @Test
    void theChecksSeeALeakWhenThereIsOne() {
        Set<String> leaks = new TreeSet<>();
        check(leaks, "probe", dev.attested.internal.io.AtomicFiles.Content.class);
        assertEquals(Set.of("probe: dev.attested.internal.io.AtomicFiles$Content"), leaks);
    }

    private static void checkExecutable(Set<String> leaks, String where, Executable e) {
        for (Type t : e.getGenericParameterTypes()) {
            check(leaks, where + " takes", t);
        }
        for (Type t : e.getGenericExceptionTypes()) {
            check(leaks, where + " throws", t);
        }
    }

    private static void check(Set<String> leaks, String where, Type type) {
        if (type != null && type.getTypeName().contains(INTERNAL + ".")) {
            leaks.add(where + ": " + type.getTypeName());
        }
    }

    /** Public, and every enclosing class public too (a public nested type of a package-private class is not API). */
    private static boolean isExported(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(Member m) {
        int mod = m.getModifiers();
        if (Modifier.isPublic(mod)) {
            return true;
        }
        // protected members are API only where a user can subclass.
        return Modifier.isProtected(mod) && !Modifier.isFinal(m.getDeclaringClass().getModifiers());
    }
}
