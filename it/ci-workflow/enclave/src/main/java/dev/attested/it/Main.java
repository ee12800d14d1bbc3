package dev.attested.it;

import dev.attested.it.lib.Greeting;

/** The enclave application of this integration test; its bytes (and the library's) end up in PCR2. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println(Greeting.text());
    }
}
