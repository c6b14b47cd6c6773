package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.nanobanana.emulator.Operation;
import dev.nanobanana.camel.testing.PipelineTestSupport;

/** A job from the inbox may name its images by a path beside it: sent inline, never from outside the inbox. */
public class LocalImageTest extends PipelineTestSupport {

    public static byte[] png() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    @Test
    void imageBesideTheJobFileIsSentAsADataUriAndRecordedAsWritten() throws Exception {
        byte[] png = png();
        Files.write(Files.createDirectories(inbox.resolve("photos")).resolve("shoe.png"), png);
        drop("shoe.yaml", "prompt: Make it yellow\nimages: [photos/shoe.png]\n");

        JsonNode record = json(completed.resolve("shoe.json"));
        assertThat(record.at("/request/input/images/0").asText()).isEqualTo("photos/shoe.png");
        assertThat(emulator.requests(Operation.RUNSYNC)).singleElement().satisfies(request -> assertThat(
                request.body()).contains("data:image/png;base64," + Base64.getEncoder().encodeToString(png)));
    }

    @Test
    void pathsThatLeadOutOfTheInboxOrAreNoImagesAreRefusedBeforeAnyRequest() throws Exception {
        Path outside = Files.write(work.resolve("private.png"), png());
        Files.createDirectories(inbox.resolve("photos"));
        Files.createSymbolicLink(inbox.resolve("photos/link.png"), outside);
        Files.writeString(inbox.resolve("photos/notes.png"), "not an image at all");

        drop("up.yaml", "prompt: p\nimages: [../private.png]\n");
        drop("link.yaml", "prompt: p\nimages: [photos/link.png]\n");
        drop("text.yaml", "prompt: p\nimages: [photos/notes.png]\n");
        drop("absent.yaml", "prompt: p\nimages: [photos/absent.png]\n");

        assertThat(json(failed.resolve("up.error.json")).get("reason").asText())
                .contains("images[0] image \"../private.png\" is outside the job file's folder");
        assertThat(json(failed.resolve("link.error.json")).get("reason").asText())
                .contains("is a link that leads outside the job file's folder");
        assertThat(json(failed.resolve("text.error.json")).get("reason").asText())
                .contains("\"photos/notes.png\" is not a PNG, JPEG or WebP image");
        assertThat(json(failed.resolve("absent.error.json")).get("reason").asText())
                .contains("\"photos/absent.png\" is not a file in the job file's folder");
        processed(".failed", "absent.yaml");
        // the readiness check's GET /health aside
        assertThat(emulator.requests()).filteredOn(request -> request.operation() != Operation.HEALTH).isEmpty();
    }
}
