package dev.nanobanana.camel.ledger;

import java.util.Optional;
import dev.nanobanana.camel.job.JobKey;

/**
 * A job's state was not saved because the instance no longer holds the job: another instance took it over after its
 * lease expired, or it is not in the ledger. The instance must stop working on the job; its new holder goes on.
 */
public class ClaimLostException extends RuntimeException {

    private final JobKey key;
    private final String owner;
    private final String holder;

    public ClaimLostException(JobKey key, String owner, Optional<String> holder) {
        super(holder.map(h -> "job " + key + " is held by " + h + ", not by " + owner)
                .orElse("job " + key + " is not in the ledger"));
        this.key = key;
        this.owner = owner;
        this.holder = holder.orElse(null);
    }

    public JobKey key() {
        return key;
    }

    public String owner() {
        return owner;
    }

    /** The instance that holds the job now, if the ledger knows the job. */
    public Optional<String> holder() {
        return Optional.ofNullable(holder);
    }
}
