package dev.nanobanana.camel.observe;

import java.util.Map;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

import dev.nanobanana.camel.settings.KnownSecrets;

/**
 * A readiness check of the pipeline, as Camel's health-check API knows it: bound in the context's registry, it is
 * picked up by Camel Main's health checks (and by any runtime that reads {@link HealthCheck} beans). Never a liveness
 * check: what it finds wrong is outside the JVM, and restarting it would not help. Its message is one line that says
 * what to do, and never holds a secret.
 */
abstract class ReadinessCheck implements HealthCheck {

    static final String GROUP = "nanobanana";

    private final String id;
    private final KnownSecrets secrets;
    private volatile boolean enabled = true;

    ReadinessCheck(String id, KnownSecrets secrets) {
        this.id = id;
        this.secrets = secrets;
    }

    /** Whether the check finds all well now, and what it says. */
    abstract Verdict verdict();

    @Override
    public Result call(Map<String, Object> options) {
        HealthCheckResultBuilder result = HealthCheckResultBuilder.on(this);
        if (!enabled) {
            return result.unknown().message("Disabled").build();
        }
        Verdict verdict = verdict();
        return result.state(verdict.up() ? State.UP : State.DOWN).message(secrets.mask(verdict.message())).build();
    }

    @Override
    public String getGroup() {
        return GROUP;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    KnownSecrets secrets() {
        return secrets;
    }

    record Verdict(boolean up, String message) {

        static Verdict up(String message) {
            return new Verdict(true, message);
        }

        static Verdict down(String message) {
            return new Verdict(false, message);
        }
    }
}
