package dev.nanobanana.camel.job;

/** The steps of a job, in order; a failure record names the one that failed. */
public enum JobStep {
    READ("reading the job"),
    SUBMIT("submitting the job to RunPod"),
    POLL("polling RunPod for the job's state"),
    CANCEL("cancelling the job at RunPod"),
    DOWNLOAD("downloading the image"),
    STORE("storing the image in the completed sink");

    private final String description;

    JobStep(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
