package dev.nanobanana.camel.pipeline;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.nanobanana.camel.json.Json;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunsyncRequest;
import dev.nanobanana.camel.job.EditJob;
import dev.nanobanana.camel.job.JobDraft;
import dev.nanobanana.camel.job.JobIds;
import dev.nanobanana.camel.job.JobReader;
import dev.nanobanana.camel.job.JobValidator;
import dev.nanobanana.camel.job.PayloadLimit;

/**
 * Turns the job a message carries into the runsync request: reads it (a {@link JobDraft} from a job file, or a single
 * job as a map, {@link EditJob}, JSON or YAML), validates it, fills in the defaults and builds the JSON body. An
 * invalid job stops here, before any request.
 */
public class JobPreparation implements Processor {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final JobReader reader = new JobReader();
    private final JobValidator validator;
    private final Clock clock;

    public JobPreparation(JobValidator validator, Clock clock) {
        this.validator = validator;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        JobDraft draft = draft(exchange);
        exchange.setProperty(JobExchange.STATE, JobState.received(draft, JobExchange.route(exchange),
                clock.instant()));
        exchange.removeProperty(JobExchange.ROUTE);
        exchange.getIn().setBody(null);
        EditJob job = validator.validate(draft);
        RunsyncRequest request = job.request();
        PayloadLimit.check(job, RunsyncRequest.sizeInBytes(request));
        JobExchange.update(exchange, state -> state.withJob(job, request));
    }

    private JobDraft draft(Exchange exchange) throws JsonProcessingException {
        Object body = exchange.getIn().getBody();
        if (body instanceof JobDraft draft) {
            return draft;
        }
        String fileName = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        String baseId = fileName != null ? JobIds.fromFileName(fileName) : generatedId();
        byte[] content;
        if (body instanceof EditJob job) {
            ObjectNode fields = Json.MAPPER.valueToTree(job);
            fields.remove("sourceFile");
            content = Json.MAPPER.writeValueAsBytes(fields);
        } else if (body instanceof Map<?, ?> map) {
            content = Json.MAPPER.writeValueAsBytes(map);
        } else {
            content = exchange.getIn().getBody(byte[].class);
        }
        if (content == null) {
            return JobDraft.unreadable(baseId, fileName, "the message holds no job");
        }
        List<JobDraft> drafts = reader.read(fileName, baseId, content);
        if (drafts.size() > 1) {
            return JobDraft.unreadable(baseId, fileName, "the message holds " + drafts.size()
                    + " jobs; send one job at a time, or send the whole file to the job-file endpoint");
        }
        return drafts.get(0);
    }

    private static String generatedId() {
        return "job-" + LocalDateTime.now().format(STAMP) + "-"
               + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
    }
}
