package dev.nanobanana.camel.job;

import java.util.List;

/** A job that cannot be sent to RunPod as it stands; the problems say what to fix. Never retried. */
public class InvalidJobException extends Exception {

    private final transient List<String> problems;

    public InvalidJobException(List<String> problems) {
        super("invalid job: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidJobException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
