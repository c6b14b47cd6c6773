package dev.nanobanana.camel.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.nanobanana.camel.settings.KnownSecrets;

/**
 * A readiness check whose look costs a call to another system: it looks every {@code nanobanana.health.interval}
 * ({@link ReadinessProbes}), not on every probe of the readiness endpoint, which answers with what it found last. A
 * change is said in the log once.
 */
abstract class ProbedCheck extends ReadinessCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ProbedCheck.class);

    private final String notLookedYet;
    private volatile Verdict last;

    ProbedCheck(String id, KnownSecrets secrets, String notLookedYet) {
        super(id, secrets);
        this.notLookedYet = notLookedYet;
    }

    /** Looks at the other system now; may take up to a timeout. */
    abstract Verdict look();

    @Override
    Verdict verdict() {
        Verdict found = last;
        return found != null ? found : Verdict.down(notLookedYet);
    }

    void probe() {
        Verdict now;
        try {
            now = look();
        } catch (RuntimeException e) {
            now = Verdict.down(getId() + " could not look: " + e.getMessage());
        }
        Verdict before = last;
        last = now;
        if (!now.up() && (before == null || before.up() || !before.message().equals(now.message()))) {
            LOG.warn("Not ready: {}", secrets().mask(now.message()));
        } else if (now.up() && before != null && !before.up()) {
            LOG.info("Ready again: {}", secrets().mask(now.message()));
        }
    }
}
