package dev.nanobanana.camel.status;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.nanobanana.camel.settings.StatusSettings;

/**
 * The hosts the status page answers to, by a request's {@code Host}: this machine's loopback addresses and
 * {@code localhost}, the management server's own address (every address of the machine when it listens on all of
 * them), and the names in {@code nanobanana.status.host-names}. Any other name is refused: a web page on a name its
 * owner points at this machine (DNS rebinding) would otherwise read the page as a page of its own.
 */
final class HostNames {

    private static final Pattern HOST = Pattern.compile("(\\[[^\\]]*\\]|[^:\\[\\]]+)(?::\\d{1,5})?");
    // written so that InetAddress reads what matches as an address, and never looks it up as a name
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}"
                                                        + "(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)");
    private static final Pattern IPV6 = Pattern.compile("\\[([0-9a-f.]*:[0-9a-f:.]*)\\]");
    private static final int SHOWN = 100;

    private final Set<String> names = new LinkedHashSet<>();
    private final Set<InetAddress> addresses = new LinkedHashSet<>();

    HostNames(StatusSettings settings) {
        names.add("localhost");
        names.addAll(settings.hostNames());
        String management = settings.managementHost().strip().toLowerCase(Locale.ROOT);
        Optional<InetAddress> literal = address(management.contains(":") && !management.startsWith("[")
                ? "[" + management + "]" : management);
        if (literal.isPresent() && literal.get().isAnyLocalAddress()) {
            addresses.addAll(ownAddresses());
        } else if (literal.isPresent()) {
            addresses.add(literal.get());
        } else {
            names.add(management);
            try {
                for (InetAddress resolved : InetAddress.getAllByName(management)) {
                    addresses.add(withoutScope(resolved));
                }
            } catch (UnknownHostException | SecurityException e) {
                // the name alone, then
            }
        }
    }

    /** Whether a request whose {@code Host} header is this (a name or an address, with a port or not) is for the page. */
    boolean accepts(String hostHeader) {
        Matcher host = HOST.matcher(hostHeader == null ? "" : hostHeader.strip().toLowerCase(Locale.ROOT));
        if (!host.matches()) {
            return false;
        }
        String name = host.group(1);
        Optional<InetAddress> address = address(name);
        if (address.isPresent()) {
            return address.get().isLoopbackAddress() || addresses.contains(address.get());
        }
        return names.contains(name);
    }

    /** What the page answers to, for a message. */
    String shown() {
        StringJoiner shown = new StringJoiner(", ");
        shown.add("127.0.0.1").add("[::1]");
        names.forEach(shown::add);
        addresses.stream().filter(address -> !address.isLoopbackAddress())
                .forEach(address -> shown.add(address.getHostAddress().contains(":")
                        ? "[" + address.getHostAddress() + "]" : address.getHostAddress()));
        return shown.toString();
    }

    /** A {@code Host} header as it may be quoted in a message. */
    static String quoted(String hostHeader) {
        return hostHeader == null || hostHeader.isBlank() ? "a request without a Host header"
                : "Host " + printable(hostHeader);
    }

    /** A header's value as it may be quoted in a message: printable characters only, and short. */
    static String printable(String value) {
        String printable = value.replaceAll("[^\\x21-\\x7e]", "?");
        return printable.length() > SHOWN ? printable.substring(0, SHOWN) + "..." : printable;
    }

    /** The address a host written as an address stands for; empty for a name, which is never looked up here. */
    private static Optional<InetAddress> address(String host) {
        Matcher v6 = IPV6.matcher(host);
        String literal = IPV4.matcher(host).matches() ? host : v6.matches() ? v6.group(1) : null;
        if (literal == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(withoutScope(InetAddress.getByName(literal)));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Set<InetAddress> ownAddresses() {
        Set<InetAddress> own = new LinkedHashSet<>();
        try {
            for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(network.getInetAddresses())) {
                    own.add(withoutScope(address));
                }
            }
        } catch (SocketException | UnknownHostException e) {
            // the loopback addresses and the names, then
        }
        return own;
    }

    private static InetAddress withoutScope(InetAddress address) throws UnknownHostException {
        return InetAddress.getByAddress(address.getAddress());
    }
}
