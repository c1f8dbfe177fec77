package com.crm.shopifysync.sync.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CSV COPY reads: what each kind of value becomes, short or longer than the field buffer. */
class CsvFieldsTest {

    private static String csv(Object... values) throws IOException {
        StringWriter out = new StringWriter();
        CopyStaging.CsvFields fields = new CopyStaging.CsvFields(out);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            fields.write(values[i]);
        }
        return out.toString();
    }

    @Test
    void nullIsAnUnquotedEmptyFieldAndAnEmptyStringAQuotedOne() throws IOException {
        assertThat(csv(null, "", null)).isEqualTo(",\"\",");
    }

    @Test
    void quotesAreDoubledAndEverythingElseKeptAsItIs() throws IOException {
        assertThat(csv("{\"a\":\"b,c\"}", "\"", "back\\slash", "line\nbreak", "émoji 😀"))
                .isEqualTo("\"{\"\"a\"\":\"\"b,c\"\"}\",\"\"\"\",\"back\\slash\",\"line\nbreak\",\"émoji 😀\"");
    }

    @Test
    void aFieldLongerThanTheBufferIsQuotedTheSameWay() throws IOException {
        String payload = "{\"note\":\"" + "x\"y".repeat(20_000) + "\"}";
        String expected = "\"" + payload.replace("\"", "\"\"") + "\"";
        assertThat(csv(payload)).isEqualTo(expected);
        assertThat(csv("short", payload, "short")).isEqualTo("\"short\"," + expected + ",\"short\"");
    }

    @Test
    void scalarsTimestampsAndArrays() throws IOException {
        OffsetDateTime at = OffsetDateTime.parse("2024-03-05T10:11:12.5-05:00");
        assertThat(csv(42L, 7, new BigDecimal("19.90"), true, at, at, List.of("vip", "a\"b", "c\\d")))
                .isEqualTo("\"42\",\"7\",\"19.90\",\"true\",\"2024-03-05T10:11:12.500-05:00\",\"2024-03-05T10:11:12.500-05:00\","
                        + "\"{\"\"vip\"\",\"\"a\\\"\"b\"\",\"\"c\\\\d\"\"}\"");
    }

    @Test
    void aTimestampReadsAsItsIsoFormWhateverItsPrecisionAndOffset() throws IOException {
        java.util.Random random = new java.util.Random(14);
        int[] nanos = {0, 500_000_000, 123_000_000, 123_456_000, 123_456_789, 1, 1_000};
        for (int i = 0; i < 10_000; i++) {
            long second = random.nextLong(-62_135_596_800L, 253_402_300_799L); // years 1 to 9999
            boolean wholeMinute = i % 3 == 0; // where the ISO form leaves the seconds out
            if (wholeMinute) {
                second -= Math.floorMod(second, 60);
            }
            int offsetSeconds = i % 5 == 0 ? 0 : random.nextInt(-18 * 3600, 18 * 3600 + 1);
            OffsetDateTime at = java.time.Instant.ofEpochSecond(second, nanos[i % nanos.length])
                    .atOffset(java.time.ZoneOffset.ofTotalSeconds(wholeMinute ? offsetSeconds - offsetSeconds % 60 : offsetSeconds));
            assertThat(csv(at)).isEqualTo("\"" + at + "\"");
        }
        for (String edge : List.of("0000-01-01T00:00Z", "9999-12-31T23:59:59.999999999+18:00", "9999-12-31T23:59:59.999999999-18:00",
                "-0001-12-31T23:59:59Z", "+10000-01-01T00:00Z", "2024-06-01T12:00:00.000000001+05:30:45")) {
            OffsetDateTime at = OffsetDateTime.parse(edge);
            assertThat(csv(at)).isEqualTo("\"" + at + "\"");
        }
    }
}
