package dev.attested.eif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * docs/spec/eif-format.md §3.3: compact serde_json, nitro-cli key order, sorted free-form keys, chrono RFC 3339
 * times.
 */
class EifMetadataTest {
    @Test
    void buildTimeIsRfc3339WithOnlyTheFractionDigitsNeeded() {
        assertEquals("1970-01-01T00:00:00+00:00", EifMetadata.rfc3339(Instant.EPOCH));
        assertEquals("2025-10-05T13:12:27.410+00:00", EifMetadata.rfc3339(Instant.parse("2025-10-05T13:12:27.410Z")));
        assertEquals("2025-10-05T13:12:27.410516+00:00", EifMetadata.rfc3339(Instant.parse("2025-10-05T13:12:27.410516Z")));
        assertEquals("2025-10-05T13:12:27.410516995+00:00", EifMetadata.rfc3339(Instant.parse("2025-10-05T13:12:27.410516995Z")));
    }

    @Test
    void customMetadataKeysAreSortedAndStringsEscapedAsSerdeJson() throws Exception {
        var custom = new ObjectMapper().readTree("{\"z\":1,\"a\":{\"y\":[true,null,2.5],\"b\":\"x/\\u00e9\\u0001\\n\\\"\"},\"M\":1e20}");
        EifMetadata m = new EifMetadata("n", "v", EifMetadata.BuildMetadata.of(Instant.EPOCH, "t", "1", "OS", "k"), null, custom);
        String json = new String(m.toSectionBytes(), StandardCharsets.UTF_8);
        assertEquals("{\"ImageName\":\"n\",\"ImageVersion\":\"v\",\"BuildMetadata\":{\"BuildTime\":\"1970-01-01T00:00:00+00:00\","
                + "\"BuildTool\":\"t\",\"BuildToolVersion\":\"1\",\"OperatingSystem\":\"OS\",\"KernelVersion\":\"k\"},"
                + "\"DockerInfo\":null,\"CustomMetadata\":{\"M\":1e20,\"a\":{\"b\":\"x/\u00e9\\u0001\\n\\\"\",\"y\":[true,null,2.5]},\"z\":1}}", json);
    }

    @Test
    void floatsUseRyuShortestForm() {
        assertEquals("1.0", EifJson.ryu(1.0));
        assertEquals("0.1", EifJson.ryu(0.1));
        assertEquals("1e-7", EifJson.ryu(1e-7));
        assertEquals("0.0001", EifJson.ryu(1e-4));
        assertEquals("1e16", EifJson.ryu(1e16));
        assertEquals("1000000000000000.0", EifJson.ryu(1e15));
        assertEquals("-1.5e300", EifJson.ryu(-1.5e300));
    }

    @Test
    void parsingReadsBackWhatWasWritten() {
        EifMetadata m = EifWriterTest.syntheticMetadata();
        assertEquals(m, EifMetadata.parse(m.toSectionBytes()));
    }

    @Test
    void metadataThatIsNotNitroCliShapedIsRefused() {
        EifException e = assertThrows(EifException.class, () -> EifMetadata.parse("{\"ImageName\":1}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(EifException.Code.EIF_BAD_METADATA, e.code());
        assertEquals(EifException.Code.EIF_BAD_METADATA,
                assertThrows(EifException.class, () -> EifMetadata.parse(new byte[] {'{'})).code());
    }
}
