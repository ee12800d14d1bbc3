package dev.attested.eif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/spec/eif-format.md §8.2: describe-eif's fields, order and pretty printing. */
class EifDescriptionTest {
    @Test
    void unsignedImageIsDescribedAsNitroCliDoes(@TempDir Path dir) throws Exception {
        Path file = EifWriterTest.synthetic(dir).build().write(dir.resolve("v.eif")).file();
        String json = EifDescription.json(EifReader.inspect(file), EifMeasurements.NITRO_CLI_HASH_ALGORITHM);
        assertEquals("""
                {
                  "EifVersion": 4,
                  "Measurements": {
                    "HashAlgorithm": "Sha384 { ... }",
                    "PCR0": "1f1d207cb2d4484930d0f823e8b833169036bebc1fb4ef5449161fcbd9498f1fc52867a9a704cfe12e3ce677c337ada0",
                    "PCR1": "a85c761fc79b20dc65c344a9b3e98033982da0f0aea81862e824b1f37386f739456cdc4dbc050449b98f960d3d38e2b9",
                    "PCR2": "22e24471c39d3664a951ec258b0b63778ddade72ec66cc6769f7bcff41b53745b210ce9647c1b65c8abb227063dbfaeb"
                  },
                  "IsSigned": false,
                  "CheckCRC": true,
                  "ImageName": "test",
                  "ImageVersion": "1.0",
                  "Metadata": {
                    "BuildTime": "1970-01-01T00:00:00+00:00",
                    "BuildTool": "eif_build",
                    "BuildToolVersion": "0.3.1",
                    "OperatingSystem": "OS",
                    "KernelVersion": "kernel",
                    "DockerInfo": null
                  }
                }""", json);
    }

    @Test
    void damagedImageIsDescribedWithCheckCrcFalse(@TempDir Path dir) throws Exception {
        Path file = EifWriterTest.synthetic(dir).build().write(dir.resolve("v.eif")).file();
        byte[] b = Files.readAllBytes(file);
        b[565] ^= 1;
        Files.write(file, b);
        JsonNode node = EifDescription.of(EifReader.inspect(file), "x");
        assertEquals(false, node.get("CheckCRC").booleanValue());
    }

    @Test
    void signedImageShowsCertificateSignatureCheckAndPcr8InOrder(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        Path file = EifWriterTest.synthetic(dir).signer(signer).build().write(dir.resolve("s.eif")).file();
        JsonNode node = new ObjectMapper().readTree(EifDescription.json(EifReader.inspect(file), "Sha384 { ... }"));
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("EifVersion", "Measurements", "IsSigned", "SigningCertificate", "CheckCRC", "SignatureCheck",
                "ImageName", "ImageVersion", "Metadata"), keys);
        assertEquals(signer.pcr8().hex(), node.at("/Measurements/PCR8").textValue());
        assertTrue(node.get("SignatureCheck").booleanValue());
        JsonNode cert = node.get("SigningCertificate");
        assertEquals("{\"commonName\":\"enclave-signing\",\"countryName\":\"US\",\"organizationName\":\"Example Corp\"}",
                cert.get("IssuerName").toString());
        assertEquals("ecdsa-with-SHA384", cert.get("Algorithm").textValue());
        assertEquals("Jan  1 00:00:00 2025 GMT", cert.get("NotBefore").textValue());
        assertEquals("Jan  1 00:00:00 2027 GMT", cert.get("NotAfter").textValue());
        assertEquals(HexFormat.ofDelimiter(":").withUpperCase().formatHex(signer.certificate().getSignature()),
                cert.get("Signature").textValue());
    }

    @Test
    void customMetadataKeysAreFlattenedIntoMetadata(@TempDir Path dir) throws Exception {
        JsonNode custom = new ObjectMapper().readTree("{\"team\":\"payments\",\"commit\":\"abc\"}");
        EifMetadata md = new EifMetadata("app", "2", EifMetadata.BuildMetadata.of(Instant.EPOCH, "t", "1", "Linux", "4.14.256"),
                null, custom);
        Path file = EifWriterTest.synthetic(dir).metadata(md).build().write(dir.resolve("c.eif")).file();
        JsonNode meta = EifDescription.of(EifReader.inspect(file), "x").get("Metadata");
        List<String> keys = new ArrayList<>();
        meta.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("BuildTime", "BuildTool", "BuildToolVersion", "OperatingSystem", "KernelVersion", "DockerInfo",
                "commit", "team"), keys);
    }
}
