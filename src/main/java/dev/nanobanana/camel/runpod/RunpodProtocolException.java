package dev.nanobanana.camel.runpod;

/** RunPod answered something that is not a job state we understand, such as a body that is not JSON. */
public class RunpodProtocolException extends Exception {

    public RunpodProtocolException(String message) {
        super(message);
    }
}
