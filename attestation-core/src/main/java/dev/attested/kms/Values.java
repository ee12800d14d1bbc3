package dev.attested.kms;

import java.util.List;

/**
 * The value of a policy element that IAM accepts either as one string or as an array of strings
 * ({@code Action}, {@code Resource}, principal values, condition values). {@code scalar} remembers the written
 * form so a policy round-trips unchanged.
 */
public record Values(List<String> list, boolean scalar) {
    public Values {
        list = List.copyOf(list);
        if (scalar && list.size() != 1) {
            throw new IllegalArgumentException("a scalar holds exactly one value");
        }
    }

    /** One value written as a string. */
    public static Values of(String value) {
        return new Values(List.of(value), true);
    }

    /** Values written as an array (a single value stays a one-element array). */
    public static Values array(List<String> values) {
        return new Values(values, false);
    }

    /** One value as a string, several as an array: the generator's canonical form. */
    public static Values compact(List<String> values) {
        return values.size() == 1 ? of(values.get(0)) : array(values);
    }
}
