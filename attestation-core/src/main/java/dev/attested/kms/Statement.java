package dev.attested.kms;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One statement of a key policy. Exactly one of {@code action}/{@code notAction} and at most one of
 * {@code principal}/{@code notPrincipal} is set; absent elements are null.
 *
 * @param condition operator (e.g. {@code StringEqualsIgnoreCase}) → condition key → values, in written order
 */
public record Statement(
        String sid,
        Effect effect,
        Principal principal,
        Principal notPrincipal,
        Values action,
        Values notAction,
        Values resource,
        Values notResource,
        Map<String, Map<String, Values>> condition) {

    /** Allow or Deny. */
    public enum Effect {
        ALLOW("Allow"), DENY("Deny");

        private final String json;

        Effect(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    public Statement {
        if (effect == null) {
            throw new IllegalArgumentException("a statement needs an Effect");
        }
        if ((action == null) == (notAction == null)) {
            throw new IllegalArgumentException("a statement needs exactly one of Action and NotAction");
        }
        if (principal != null && notPrincipal != null) {
            throw new IllegalArgumentException("a statement has at most one of Principal and NotPrincipal");
        }
        Map<String, Map<String, Values>> copy = new LinkedHashMap<>();
        if (condition != null) {
            condition.forEach((op, keys) -> copy.put(op, Collections.unmodifiableMap(new LinkedHashMap<>(keys))));
        }
        condition = Collections.unmodifiableMap(copy);
    }

    /** The Sid, or {@code #<index>} (1-based) when the statement has none: how findings and decisions name it. */
    public String label(int index) {
        return sid != null && !sid.isEmpty() ? sid : "#" + (index + 1);
    }

    public Optional<String> sidOptional() {
        return Optional.ofNullable(sid);
    }

    /** True when a condition key (case-insensitive, as in IAM) starting with {@code prefix} appears. */
    public boolean hasConditionKeyStartingWith(String prefix) {
        String p = prefix.toLowerCase(java.util.Locale.ROOT);
        return condition.values().stream().flatMap(m -> m.keySet().stream())
                .anyMatch(k -> k.toLowerCase(java.util.Locale.ROOT).startsWith(p));
    }
}
