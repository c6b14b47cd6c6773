package dev.nanobanana.camel.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import dev.nanobanana.camel.settings.KnownSecrets;
import dev.nanobanana.camel.job.JobFileFailedException;
import dev.nanobanana.camel.job.JobOutcome;

/**
 * Gathers the outcome of every job split from a job file, including a job whose failure could not even be recorded,
 * and fails the file's exchange when any job did not complete.
 */
public class JobOutcomes implements AggregationStrategy {

    static final String OUTCOMES = "NanoBananaOutcomes";

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        throw new UnsupportedOperationException("JobOutcomes aggregates onto the job file's own exchange");
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange, Exchange fileExchange) {
        outcomes(fileExchange).add(outcomeOf(newExchange));
        return fileExchange;
    }

    /** Throws when any job of the file did not complete; the jobs' own records are in the sinks already. */
    public static void requireAllCompleted(Exchange fileExchange) throws JobFileFailedException {
        List<JobOutcome> outcomes = outcomes(fileExchange);
        List<JobOutcome> failed = outcomes.stream().filter(outcome -> !outcome.completed()).toList();
        if (!failed.isEmpty()) {
            String file = fileExchange.getIn().getHeader(Exchange.FILE_NAME, "the job file", String.class);
            throw new JobFileFailedException(file, outcomes.size(), failed);
        }
    }

    @SuppressWarnings("unchecked")
    private static synchronized List<JobOutcome> outcomes(Exchange fileExchange) {
        List<JobOutcome> outcomes = fileExchange.getProperty(OUTCOMES, List.class);
        if (outcomes == null) {
            outcomes = Collections.synchronizedList(new ArrayList<>());
            fileExchange.setProperty(OUTCOMES, outcomes);
        }
        return outcomes;
    }

    /**
     * How the job of this exchange ended: its outcome, or a failure with the exception that stopped it (its message
     * with the secrets masked: it goes to the log and the batch's summary).
     */
    public static JobOutcome outcomeOf(Exchange jobExchange) {
        JobOutcome outcome = jobExchange.getProperty(JobExchange.OUTCOME, JobOutcome.class);
        if (outcome != null && jobExchange.getException() == null) {
            return outcome;
        }
        String id = JobExchange.jobId(jobExchange);
        Exception failure = jobExchange.getException();
        return JobOutcome.failed(id != null ? id : "job " + (jobExchange.getProperty(Exchange.SPLIT_INDEX, 0,
                Integer.class) + 1), failure != null ? KnownSecrets.in(jobExchange.getContext())
                .mask(String.valueOf(failure.getMessage())) : "no outcome", null);
    }
}
