package dev.nanobanana.camel.runpod;

/**
 * RunPod's answer about a job, read: the result, and where in the answer's body an inline image (base64 output)
 * sits, if there is one.
 */
public record RunpodAnswer(RunpodResult result, InlineImage inline) {
}
