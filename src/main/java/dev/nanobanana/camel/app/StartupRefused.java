package dev.nanobanana.camel.app;

/** The runtime will not start as configured; the message says what to set. */
class StartupRefused extends RuntimeException {

    StartupRefused(String message) {
        super(message);
    }

    static StartupRefused in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StartupRefused refused) {
                return refused;
            }
        }
        return null;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
