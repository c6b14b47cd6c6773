package dev.nanobanana.camel.runpod;

/** RunPod ended the job without an image: FAILED, CANCELLED or TIMED_OUT. Final: never retried. */
public class RunpodJobFailedException extends Exception {

    private final transient RunpodResult result;

    public RunpodJobFailedException(RunpodResult result) {
        super("RunPod reports the job " + result.status()
              + result.errorText().map(error -> ": " + error).orElse(""));
        this.result = result;
    }

    public RunpodResult result() {
        return result;
    }
}
