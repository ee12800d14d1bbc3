package dev.attested;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names an {@link Option} in one front end's syntax: the Maven plugin renders <code>{signingKey}</code> as
 * a Maven user property, a command line as {@code --signing-key}. {@link #NEUTRAL} writes the option's
 * key, for library users.
 */
@FunctionalInterface
public interface OptionRenderer {
    /** The option's key itself, e.g. {@code signingKey}. */
    OptionRenderer NEUTRAL = Option::key;

    /** How this front end names {@code option}. */
    String render(Option option);

    /** {@code text} with every <code>{key}</code> of a known {@link Option} rendered; other braces stay as they are. */
    default String apply(String text) {
        if (text == null || text.indexOf('{') < 0) {
            return text == null ? "" : text;
        }
        Matcher m = Placeholders.PATTERN.matcher(text);
        StringBuilder sb = new StringBuilder(text.length() + 32);
        while (m.find()) {
            String replacement = Option.ofKey(m.group(1)).map(this::render).orElse(m.group());
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The placeholder syntax, shared with tests that check every placeholder names a known option. */
    final class Placeholders {
        /** <code>{key}</code> where key is a Java identifier. */
        public static final Pattern PATTERN = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)\\}");

        private Placeholders() {}
    }
}
