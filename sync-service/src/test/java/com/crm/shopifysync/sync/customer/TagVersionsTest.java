package com.crm.shopifysync.sync.customer;

import static org.assertj.core.api.Assertions.assertThat;

import com.crm.shopifysync.sync.store.Deduplication;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-tag versions a row carries ({@code tag_versions}): valid JSON whatever the tags hold. */
class TagVersionsTest {

    /** Refuses a key twice in an object, which a lenient reader would merge. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final OffsetDateTime AT = OffsetDateTime.parse("2024-03-05T10:11:12.5-05:00");

    private static JsonNode tagVersions(List<String> tags, boolean added) throws Exception {
        String rendered = (String) CustomerRepository.tagChanges("shop.myshopify.com", 1L, tags, added, AT,
                new Deduplication("customers/tags_added", "k")).values().get("tag_versions");
        return JSON.readTree(rendered);
    }

    @Test
    void eachTagOnceWithItsPresenceAndTimeEvenWhenItNeedsEscaping() throws Exception {
        JsonNode versions = tagVersions(List.of("vip", "say \"hi\"", "back\\slash", "line\nbreak", "tab\tand\u0001", "émoji 😀", "vip"), true);

        assertThat(versions.fieldNames()).toIterable().containsExactly("vip", "say \"hi\"", "back\\slash", "line\nbreak", "tab\tand\u0001", "émoji 😀");
        versions.forEach(version -> assertThat(version).isEqualTo(JSON.createObjectNode().put("present", true)
                .put("at", "2024-03-05T10:11:12.500-05:00")));
    }

    @Test
    void aRemovalIsNotPresentAndNoTagsIsAnEmptyObject() throws Exception {
        assertThat(tagVersions(List.of("vip"), false).get("vip").get("present").asBoolean()).isFalse();
        assertThat(tagVersions(List.of(), true)).isEqualTo(JSON.createObjectNode());
    }
}
