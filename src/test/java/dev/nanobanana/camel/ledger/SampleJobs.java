package dev.nanobanana.camel.ledger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.JobDraft;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.runpod.RunpodStatus;
import dev.nanobanana.camel.runpod.RunsyncRequest;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.job.JobRoute;

/** Jobs as the routes make them, from a job file in the inbox to a delivered image. */
final class SampleJobs {

    static final JobRoute ROUTE = new JobRoute("inbox", "file:out/completed", "file:out/failed", "inbox", true);

    private static final ObjectMapper JSON = new ObjectMapper();

    private SampleJobs() {
    }

    static EditJob job(String id, String prompt, String resolution) {
        return new EditJob(id, prompt, List.of("https://images.test/" + id + ".png", "photos/shoe.png"), resolution,
                "3:2", "png", false, "shoes.json");
    }

    static JobState received(String id, String prompt, String resolution, Instant at) {
        EditJob job = job(id, prompt, resolution);
        ObjectNode fields = JSON.createObjectNode()
                .put("id", id)
                .put("prompt", prompt)
                .put("resolution", resolution)
                .put("aspect_ratio", "3:2");
        fields.putArray("images").add(job.images().get(0)).add(job.images().get(1));
        return JobState.received(JobDraft.of(id, "shoes.json", fields), ROUTE, at)
                .withJob(job, job.request());
    }

    static JobState received(String id, Instant at) {
        return received(id, "make the shoe red", "2k", at);
    }

    static JobState submitted(JobState received, String runpodId, Instant at) {
        return received.submitting(at).answered(answer(runpodId, RunpodStatus.IN_QUEUE, null));
    }

    static JobState kept(JobState submitted, String cost) {
        String runpodId = submitted.result().id();
        return submitted.answered(answer(runpodId, RunpodStatus.COMPLETED, cost))
                .withImageUrl("https://cdn.runpod.test/" + runpodId + ".png")
                .kept(Path.of("out/spool/" + submitted.jobId() + ".png"));
    }

    static RunpodResult answer(String runpodId, RunpodStatus status, String cost) {
        ObjectNode output = JSON.createObjectNode();
        if (cost != null) {
            output.put("image_url", "https://cdn.runpod.test/" + runpodId + ".png");
            output.put("cost", Double.parseDouble(cost));
        }
        return new RunpodResult(runpodId, status, 1200L, cost == null ? null : 5400L,
                cost == null ? null : output, null);
    }

    static RunpodResult failure(String runpodId) {
        JsonNode error = JSON.createObjectNode().put("message", "prompt refused by the safety filter");
        return new RunpodResult(runpodId, RunpodStatus.FAILED, 900L, 300L, null, error);
    }
}
