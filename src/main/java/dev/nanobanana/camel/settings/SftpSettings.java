package dev.nanobanana.camel.settings;

import java.time.Duration;

/**
 * The {@code nanobanana.sftp.*} settings, a part of {@link NanoBananaSettings}: the server, how to log in and check
 * its host key, and the folders on it. The route file {@code routes/sftp.camel.yaml} names the same keys.
 */
public record SftpSettings(
        boolean enabled,
        String host,
        int port,
        String username,
        String password,
        String privateKeyFile,
        String privateKeyPassphrase,
        String knownHostsFile,
        String strictHostKeyChecking,
        String inbox,
        Duration settleTime,
        String completedDir,
        String failedDir) {

    static SftpSettings from(NanoBananaProperties properties) {
        SftpSettings sftp = new SftpSettings(properties.flag("sftp.enabled"), properties.text("sftp.host"),
                properties.number("sftp.port", 1), properties.text("sftp.username"), properties.text("sftp.password"),
                properties.text("sftp.private-key-file"), properties.text("sftp.private-key-passphrase"),
                properties.text("sftp.known-hosts-file"), properties.text("sftp.strict-host-key-checking"),
                properties.text("sftp.inbox"), properties.duration("sftp.settle-time"),
                properties.text("sftp.completed-dir"), properties.text("sftp.failed-dir"));
        if (sftp.enabled) {
            sftp.requireUsable();
        }
        return sftp;
    }

    private void requireUsable() {
        if (host.isEmpty() || username.isEmpty()) {
            throw new IllegalArgumentException("nanobanana.sftp." + (host.isEmpty() ? "host" : "username")
                                               + " must be set when nanobanana.sftp.enabled is true");
        }
        if (password.isEmpty() && privateKeyFile.isEmpty()) {
            throw new IllegalArgumentException("nanobanana.sftp.password or nanobanana.sftp.private-key-file must be "
                                               + "set when nanobanana.sftp.enabled is true");
        }
    }

    /** Where job files are taken from, as a person names it. */
    public String inboxUri() {
        return "sftp://" + username + "@" + host + ":" + port + "/" + inbox;
    }

    @Override
    public String toString() {
        // the record's own toString would print the password and the passphrase
        return "SftpSettings[enabled=" + enabled + ", inbox=" + inboxUri() + "]";
    }
}
