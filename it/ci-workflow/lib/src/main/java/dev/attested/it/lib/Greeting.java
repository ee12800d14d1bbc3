package dev.attested.it.lib;

/** A library module the enclave depends on: the workflow builds it with -pl enclave -am. */
public final class Greeting {
    private Greeting() {}

    public static String text() {
        return "Hello from the enclave";
    }
}
