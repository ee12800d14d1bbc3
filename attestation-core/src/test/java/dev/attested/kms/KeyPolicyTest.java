package dev.attested.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyPolicyTest {
    /** Every shape IAM accepts: scalar Statement, "*" principal, scalars and arrays, NotAction, Condition blocks. */
    static final String VARIED = """
            {
              "Version" : "2012-10-17",
              "Id" : "key-consolepolicy-3",
              "Statement" : [ {
                "Sid" : "Root",
                "Effect" : "Allow",
                "Principal" : {
                  "AWS" : "arn:aws:iam::111122223333:root"
                },
                "Action" : "kms:*",
                "Resource" : "*"
              }, {
                "Effect" : "Deny",
                "Principal" : "*",
                "NotAction" : [ "kms:Encrypt" ],
                "Resource" : [ "*" ],
                "Condition" : {
                  "StringNotEqualsIgnoreCase" : {
                    "kms:RecipientAttestation:ImageSha384" : [ "aa", "bb" ]
                  },
                  "Bool" : {
                    "aws:SecureTransport" : "true"
                  }
                }
              }, {
                "Sid" : "Services",
                "Effect" : "Allow",
                "Principal" : {
                  "Service" : [ "logs.amazonaws.com" ],
                  "AWS" : [ "arn:aws:iam::111122223333:role/a", "123456789012" ]
                },
                "Action" : [ "kms:Encrypt" ],
                "Resource" : "*"
              } ]
            }
            """;

    @Test
    void parsingAndWritingReproducesAnyValidPolicyUnchanged() {
        KeyPolicy p = KeyPolicy.parse(VARIED, "varied");
        assertEquals(VARIED, p.toJson());
        assertEquals(p, KeyPolicy.parse(p.toJson(), "again"));
    }

    @Test
    void singleValuesAndArraysAreKeptApart() {
        KeyPolicy p = KeyPolicy.parse(VARIED, "varied");
        assertTrue(p.statements().get(0).action().scalar());
        assertFalse(p.statements().get(1).notAction().scalar());
        assertInstanceOf(Principal.Anyone.class, p.statements().get(1).principal());
        assertEquals(List.of("aa", "bb"), p.statements().get(1).condition()
                .get("StringNotEqualsIgnoreCase").get("kms:RecipientAttestation:ImageSha384").list());
    }

    @Test
    void aSingleStatementObjectStaysAnObject() {
        String json = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},"
                + "\"Action\":\"kms:*\",\"Resource\":\"*\"}}";
        KeyPolicy p = KeyPolicy.parse(json, "single");
        assertTrue(p.statementScalar());
        assertTrue(p.toJson().contains("\"Statement\" : {"));
    }

    @Test
    void outputUsesLfLineEndingsOnly() {
        String json = KeyPolicy.parse(VARIED, "varied").toJson();
        assertFalse(json.contains("\r"));
        assertTrue(json.endsWith("}\n"));
    }

    @Test
    void unknownElementIsRejectedWithItsName() {
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> KeyPolicy.parse(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Actions\":\"kms:*\"}]}", "typo"));
        assertEquals(KeyPolicyException.Code.POLICY_MALFORMED, e.code());
        assertTrue(e.getMessage().contains("\"Actions\""), e.getMessage());
    }

    @Test
    void statementWithBothActionAndNotActionIsRejected() {
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> KeyPolicy.parse(
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"a\",\"NotAction\":\"b\"}]}", "both"));
        assertEquals(KeyPolicyException.Code.POLICY_MALFORMED, e.code());
    }

    @Test
    void stringPrincipalOtherThanStarIsRejected() {
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> KeyPolicy.parse(
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"arn:aws:iam::111122223333:root\",\"Action\":\"kms:*\"}]}", "p"));
        assertEquals(KeyPolicyException.Code.POLICY_MALFORMED, e.code());
    }

    @Test
    void invalidEffectIsRejected() {
        assertEquals(KeyPolicyException.Code.POLICY_MALFORMED, assertThrows(KeyPolicyException.class, () -> KeyPolicy.parse(
                "{\"Statement\":[{\"Effect\":\"allow\",\"Principal\":\"*\",\"Action\":\"kms:*\"}]}".getBytes(StandardCharsets.UTF_8), "e")).code());
    }

    @Test
    void diffOfEqualPoliciesIsEmptyAndChangedLinesAreMarked() {
        KeyPolicy a = KeyPolicy.parse(VARIED, "a");
        assertEquals(List.of(), PolicyDiff.between(a, KeyPolicy.parse(VARIED.replace("\n", " "), "b")));
        List<String> diff = PolicyDiff.between(a, KeyPolicy.parse(VARIED.replace("\"kms:*\"", "\"kms:Describe*\""), "c"));
        assertTrue(diff.contains("-     \"Action\" : \"kms:*\","), String.join("\n", diff));
        assertTrue(diff.contains("+     \"Action\" : \"kms:Describe*\","), String.join("\n", diff));
    }

    @Test
    void oversizedPolicyFileIsRefusedBeforeReading(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path big = dir.resolve("big.json");
        java.nio.file.Files.write(big, new byte[(int) KeyPolicy.MAX_FILE_BYTES + 1]);
        assertEquals(KeyPolicyException.Code.POLICY_MALFORMED, assertThrows(KeyPolicyException.class, () -> KeyPolicy.read(big)).code());
    }
}
