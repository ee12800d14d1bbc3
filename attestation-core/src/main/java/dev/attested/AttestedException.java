package dev.attested;

import java.util.Objects;

/**
 * The one supertype of every error this library raises on bad input or a failed check. {@link #code()} is stable
 * (scripts, reports and docs/errors.md use it), {@link #detail()} says what was expected and what was found, and
 * {@link #hint()} what to do about it. {@link #getMessage()} is {@code CODE: detail hint} with options named
 * neutrally (the detail ends with a full stop before the hint); a front end calls
 * {@link #message(OptionRenderer)} to name them in its own syntax.
 */
public abstract class AttestedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String detail;

    protected AttestedException(ErrorCode code, String detail, Throwable cause) {
        super(null, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.detail = detail == null ? "" : detail;
    }

    /** The stable code; each subclass narrows it to its own {@code Code} enum. */
    public ErrorCode code() {
        return code;
    }

    /** The expected-versus-found part of the message, without code and hint, options named neutrally. */
    public String detail() {
        return OptionRenderer.NEUTRAL.apply(detail);
    }

    /**
     * The detail as a clause inside another error's detail (an error wrapped into one of another kind): without
     * this error's code, its hint or a final full stop, so that the outer message says each of those once.
     */
    public String detailClause() {
        String text = detail().strip();
        while (text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    /** What to do about it, options named neutrally. */
    public String hint() {
        return OptionRenderer.NEUTRAL.apply(code.hint());
    }

    /** {@code CODE: detail hint}, with every option placeholder rendered by {@code renderer}. */
    public String message(OptionRenderer renderer) {
        String hint = renderer.apply(code.hint());
        String text = renderer.apply(detail).strip();
        if (!hint.isEmpty() && !text.isEmpty() && ".!?".indexOf(text.charAt(text.length() - 1)) < 0) {
            text += ".";
        }
        return code.name() + ": " + text + (hint.isEmpty() ? "" : " " + hint);
    }

    @Override
    public String getMessage() {
        return message(OptionRenderer.NEUTRAL);
    }
}
