package dev.attested.it;

/** The enclave application of this integration test; its bytes end up in PCR2. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("Hello from the enclave");
    }
}
