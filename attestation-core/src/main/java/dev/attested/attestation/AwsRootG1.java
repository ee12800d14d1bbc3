package dev.attested.attestation;

import java.util.Base64;

/**
 * The DER of the AWS Nitro Enclaves Root-G1 certificate, the same bytes as the bundled
 * {@code aws-nitro-enclaves-root-g1.pem} (NitroRootsTest holds the two equal). The verifier's default trust anchor
 * comes from here, so that verifying against it reads no resource and needs no JCA {@code CertificateFactory};
 * {@link NitroRoots#awsG1Der()} checks the pinned SHA-256 before anything uses it.
 */
final class AwsRootG1 {
    private AwsRootG1() {}

    /** A fresh copy of the DER (not yet checked against the pin: use {@link NitroRoots#awsG1Der()}). */
    static byte[] der() {
        return Base64.getDecoder().decode(BASE64);
    }

    private static final String BASE64 = ""
            + "MIICETCCAZagAwIBAgIRAPkxdWgbkK/hHUbMtOTn+FYwCgYIKoZIzj0EAwMwSTELMAkGA1UEBhMCVVMxDzANBgNVBAoMBkFtYXpv"
            + "bjEMMAoGA1UECwwDQVdTMRswGQYDVQQDDBJhd3Mubml0cm8tZW5jbGF2ZXMwHhcNMTkxMDI4MTMyODA1WhcNNDkxMDI4MTQyODA1"
            + "WjBJMQswCQYDVQQGEwJVUzEPMA0GA1UECgwGQW1hem9uMQwwCgYDVQQLDANBV1MxGzAZBgNVBAMMEmF3cy5uaXRyby1lbmNsYXZl"
            + "czB2MBAGByqGSM49AgEGBSuBBAAiA2IABPwCVOumCMHzaHDimtqQvkY4MpJzbolL//Zy2YlES1BR5TSksfbb48C8WBoyt7F2Bw7e"
            + "EtaaP+ohG2bnUs990d0JX28TcPQXCEPZ3BABIeTPYwEoCWZEh8l5YoQwTcU/9KNCMEAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4E"
            + "FgQUkCW1DdkFR+eWw5b6cp3PmanfS5YwDgYDVR0PAQH/BAQDAgGGMAoGCCqGSM49BAMDA2kAMGYCMQCjfy+Rocm9Xue4YnwWmNJV"
            + "A44fA0P5W2OpYow9OYCVRaEevL8uO1XYru5xtMPWrfMCMQCi85sWBbJwKKXdS6BptQFuZbT73o/gBh1qUxl/nNr12UO8Yfwr6wPL"
            + "b+6NIwLz3/Y=";
}
