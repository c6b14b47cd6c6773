package dev.nanobanana.camel.runpod;

import java.math.BigDecimal;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What RunPod answered about a job, from {@code /runsync} or {@code /status/{id}}: its id, state, timings (ms), output
 * and error.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunpodResult(
        String id,
        RunpodStatus status,
        Long delayTime,
        Long executionTime,
        JsonNode output,
        JsonNode error) {

    public boolean isTerminal() {
        return status.isTerminal();
    }

    public boolean isCompleted() {
        return status == RunpodStatus.COMPLETED;
    }

    /** The price RunPod charged, in USD, when it says. */
    public Optional<BigDecimal> cost() {
        return field("cost").filter(JsonNode::isNumber).map(JsonNode::decimalValue);
    }

    /**
     * Where the image is: a URL, a data URI or bare base64. RunPod does not document which field holds base64 output;
     * its own provider reads {@code image_url}, else {@code result}, and so do we.
     */
    public Optional<String> imageRef() {
        return field("image_url").or(() -> field("result"))
                .filter(JsonNode::isTextual)
                .map(JsonNode::asText)
                .filter(ref -> !ref.isBlank());
    }

    /** RunPod's error text, if it gave one. */
    public Optional<String> errorText() {
        if (error == null || error.isNull()) {
            return Optional.empty();
        }
        return Optional.of(error.isTextual() ? error.asText() : error.toString());
    }

    /** The same result with another error, such as this one with the secrets masked. */
    public RunpodResult withError(JsonNode otherError) {
        return new RunpodResult(id, status, delayTime, executionTime, output, otherError);
    }

    private Optional<JsonNode> field(String name) {
        return Optional.ofNullable(output).map(o -> o.get(name));
    }
}
