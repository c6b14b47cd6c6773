package dev.nanobanana.camel.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.runpod.RunsyncRequest;

class RecordCopyTest {

    @Test
    void shortValuesAreCopiedAsTheyAre() {
        ObjectNode job = JsonNodeFactory.instance.objectNode().put("prompt", "Make it yellow");
        job.putArray("images").add("https://x.test/a.png").add("data:image/png;base64,iVBORw0KGgo=");

        assertThat(RecordCopy.json(job)).isEqualTo(job);
        assertThat(RecordCopy.text("Connection reset")).isEqualTo("Connection reset");
        assertThat(RecordCopy.text(null)).isNull();
        assertThat(RecordCopy.json(null)).isNull();
    }

    @Test
    void aLongTextKeepsItsFirst64KAndSaysHowLongItWas() {
        String prompt = "y".repeat(RecordCopy.MAX_CHARS + 1);

        assertThat(RecordCopy.text(prompt))
                .isEqualTo("y".repeat(RecordCopy.MAX_CHARS) + "…[cut: " + (RecordCopy.MAX_CHARS + 1)
                           + " characters in all]");
        assertThat(RecordCopy.text(prompt.substring(1))).isEqualTo(prompt.substring(1));
    }

    @Test
    void aCutNeverSplitsACharacter() {
        String emoji = "x".repeat(RecordCopy.MAX_CHARS - 1) + "😀" + "x".repeat(10);

        assertThat(RecordCopy.text(emoji)).startsWith("x".repeat(RecordCopy.MAX_CHARS - 1) + "…[cut:");
    }

    @Test
    void longListsAndObjectsAreShortenedAndLeaveTheOriginalAsItWas() {
        ArrayNode images = JsonNodeFactory.instance.arrayNode();
        ObjectNode job = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < 5000; i++) {
            images.add("https://x.test/" + i + ".png");
            job.put("field" + i, i);
        }
        job.set("images", images);

        JsonNode copy = RecordCopy.json(job);

        assertThat(copy.size()).isEqualTo(RecordCopy.MAX_VALUES + 1);
        assertThat(copy.get("…").asText()).isEqualTo("[cut: 5001 fields in all]");
        assertThat(RecordCopy.json(images)).hasSize(RecordCopy.MAX_VALUES + 1);
        assertThat(RecordCopy.json(images).get(RecordCopy.MAX_VALUES).asText())
                .isEqualTo("…[cut: 5000 values in all]");
        assertThat(job.size()).isEqualTo(5001);
    }

    @Test
    void aCompletedRecordsRequestShowsDataUrisAsTheirStartAndSize() {
        String image = "data:image/jpeg;base64,/9j/4AAQSkZJRg" + "A".repeat(3_000_000);
        RunsyncRequest request = new RunsyncRequest(new RunsyncRequest.Input(
                List.of("https://x.test/a.png", image), "p", "2k", "16:9", "jpeg", true));

        RunsyncRequest.Input copy = RecordCopy.request(request).input();

        assertThat(copy.images().get(0)).isEqualTo("https://x.test/a.png");
        assertThat(copy.images().get(1)).startsWith("data:image/jpeg;base64,/9j/4AAQSkZJRg")
                .endsWith("…[cut: " + image.length() + " characters in all]")
                .hasSizeLessThan(120);
        assertThat(copy).usingRecursiveComparison().ignoringFields("images").isEqualTo(request.input());
    }
}
