package dev.nanobanana.camel.settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The status page's settings ({@code nanobanana.status.*}, a part of {@link NanoBananaSettings}), and the address of the management server it is served on.
 *
 * @param token what a browser or a client must show when set, and what the page needs when the management server
 *        listens beyond loopback; empty: none
 * @param dailyContactSheet whether the long-running runtime writes a contact sheet for each UTC day after it ends
 * @param managementHost {@code camel.management.host}: the address the management server listens on
 * @param hostNames the names the page answers to besides this machine's own addresses and {@code localhost}, in
 *        lower case
 */
public record StatusSettings(boolean enabled, String token, boolean dailyContactSheet, String completedDir,
        String managementHost, List<String> hostNames) {

    /** Camel's own default for {@code camel.management.host}: every interface. */
    public static final String CAMEL_DEFAULT_HOST = "0.0.0.0";

    public StatusSettings {
        hostNames = hostNames.stream().map(String::strip).filter(name -> !name.isEmpty())
                .map(name -> name.toLowerCase(Locale.ROOT)).toList();
    }

    static StatusSettings from(NanoBananaProperties properties) {
        String host = properties.camel("camel.management.host")
                .filter(value -> !value.isBlank()).orElse(CAMEL_DEFAULT_HOST);
        return new StatusSettings(properties.flag("status.enabled"), properties.text("status.token"),
                properties.flag("status.daily-contact-sheet"), properties.text("completed-dir"), host,
                Arrays.asList(properties.text("status.host-names").split(",")));
    }

    public boolean hasToken() {
        return token != null && !token.isBlank();
    }

    /** Whether only this machine can reach the management server. A host that does not resolve is not. */
    public boolean loopbackOnly() {
        try {
            return InetAddress.getByName(managementHost).isLoopbackAddress();
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "StatusSettings[enabled=" + enabled + ", token=" + (hasToken() ? "****" : "<none>")
               + ", dailyContactSheet=" + dailyContactSheet + ", managementHost=" + managementHost
               + ", hostNames=" + hostNames + "]";
    }
}
