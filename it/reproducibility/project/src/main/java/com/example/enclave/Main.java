package com.example.enclave;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** The enclave application: its classes and its dependencies end up in PCR2. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String mode = System.getenv().getOrDefault("APP_MODE", "unknown");
        System.out.println(new ObjectMapper().writeValueAsString(Map.of("hello", "enclave", "mode", mode)));
    }
}
