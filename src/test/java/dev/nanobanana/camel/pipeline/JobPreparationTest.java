package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunsyncRequest;
import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.InvalidJobException;
import dev.nanobanana.camel.job.JobValidator;

class JobPreparationTest {

    private final JobPreparation preparation = new JobPreparation(new JobValidator("1k", "png"), java.time.Clock.systemUTC());

    private Exchange exchangeWith(Object body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(body);
        return exchange;
    }

    @Test
    void jobBecomesTheRunsyncBodyWithTheApisFieldNames() throws Exception {
        Exchange exchange = exchangeWith(Map.of("id", "shoe", "prompt", "p",
                "images", List.of("https://images.test/a.png"), "aspect_ratio", "3:2"));

        preparation.process(exchange);

        RunsyncRequest request = exchange.getProperty(JobExchange.STATE, JobState.class).request();
        assertThat(new ObjectMapper().writeValueAsString(request)).isEqualTo(
                "{\"input\":{\"images\":[\"https://images.test/a.png\"],\"prompt\":\"p\",\"resolution\":\"1k\","
                + "\"aspect_ratio\":\"3:2\",\"output_format\":\"png\",\"enable_base64_output\":false}}");
        assertThat(JobExchange.jobId(exchange)).isEqualTo("shoe");
    }

    @Test
    void bodyOverRunpodsPayloadLimitIsRefused() {
        String image = "data:image/png;base64," + "A".repeat(21 * 1024 * 1024);
        Exchange exchange = exchangeWith(Map.of("prompt", "p", "images", List.of(image)));

        assertThatThrownBy(() -> preparation.process(exchange))
                .isInstanceOf(InvalidJobException.class)
                .hasMessage("invalid job: the runsync body is 21.0 MB and RunPod takes at most 20 MB; of it, the "
                            + "data: URI in images is 21.0 MB: use image URLs rather than data: URIs");
    }

    @Test
    void aPromptOverRunpodsPayloadLimitIsNamedAsTheCause() {
        String prompt = "Make it yellow. ".repeat(21 * 1024 * 1024 / 16);
        Exchange exchange = exchangeWith(Map.of("prompt", prompt, "images", List.of("https://images.test/a.png")));

        assertThatThrownBy(() -> preparation.process(exchange))
                .isInstanceOf(InvalidJobException.class)
                .hasMessage("invalid job: the runsync body is 21.0 MB and RunPod takes at most 20 MB; of it, the "
                            + "prompt is 21.0 MB: shorten the prompt");
    }

    @Test
    void aYamlJobWithAMergeKeyIsPreparedLikeAnyOther() throws Exception {
        Exchange exchange = exchangeWith("""
                <<: {prompt: Make it yellow, images: [https://images.test/a.png]}
                resolution: 2k
                """);
        exchange.getIn().setHeader(Exchange.FILE_NAME, "anchored.yaml");

        preparation.process(exchange);

        EditJob job = JobExchange.state(exchange).job();
        assertThat(job.prompt()).isEqualTo("Make it yellow");
        assertThat(job.resolution()).isEqualTo("2k");
        assertThat(JobExchange.jobId(exchange)).isEqualTo("anchored");
    }

    @Test
    void aMessageWithSeveralJobsIsOneProblem() {
        Exchange exchange = exchangeWith("[{\"prompt\": \"a\"}, {\"prompt\": \"b\"}]");

        assertThatThrownBy(() -> preparation.process(exchange))
                .hasMessageContaining("the message holds 2 jobs; send one job at a time");
    }
}
