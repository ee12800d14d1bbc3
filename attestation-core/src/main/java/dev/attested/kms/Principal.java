package dev.attested.kms;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code Principal} (or {@code NotPrincipal}) of a statement: {@code "*"} or a map such as {@code {"AWS": [...]}}. */
public sealed interface Principal {
    /** {@code "Principal": "*"}: everyone, including other accounts. */
    record Anyone() implements Principal {}

    /** {@code {"AWS": ..., "Service": ...}} in written order. */
    record Named(Map<String, Values> byType) implements Principal {
        public Named {
            byType = Collections.unmodifiableMap(new LinkedHashMap<>(byType));
        }

        /** The AWS principals (ARNs or account ids), empty if none. */
        public java.util.List<String> aws() {
            Values v = byType.get("AWS");
            return v == null ? java.util.List.of() : v.list();
        }
    }

    /** {@code {"AWS": arns}} with one ARN written as a string. */
    static Principal aws(java.util.List<String> arns) {
        return new Named(Map.of("AWS", Values.compact(arns)));
    }
}
