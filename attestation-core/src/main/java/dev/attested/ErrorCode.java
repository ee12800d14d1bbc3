package dev.attested;

/**
 * A stable error code: its {@link #name()} is what scripts, reports and docs/errors.md use, and {@link #hint()} says
 * what to do about it. Every domain exception's {@code Code} enum implements it.
 *
 * <p>A hint names a user option only as a placeholder such as <code>{region}</code> (see {@link Option}); a
 * front end renders it with its own {@link OptionRenderer} (a Maven property, a command-line flag), so the library
 * never speaks one front end's syntax.
 */
public interface ErrorCode {
    /** The stable code, e.g. {@code PCR_MISMATCH}. */
    String name();

    /** What to do about it, with option placeholders unrendered. */
    String hint();
}
