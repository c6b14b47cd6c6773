package dev.nanobanana.camel.settings;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The hosts that are reached directly, around any proxy, as {@code NO_PROXY} lists them (curl's reading, which
 * containers, Kubernetes and CI share): comma separated; {@code *} for every host; {@code example.com} or
 * {@code .example.com} for that domain and every name under it; {@code host:port} for that port only; an IP address,
 * or a range of them as {@code 10.0.0.0/8}.
 */
public record NoProxy(List<String> entries) {

    public static final NoProxy NONE = new NoProxy(List.of());

    public NoProxy {
        entries = List.copyOf(entries);
    }

    public static NoProxy parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        return new NoProxy(Arrays.stream(text.split("[,\\s]+")).map(String::trim).filter(entry -> !entry.isEmpty())
                .map(entry -> entry.toLowerCase(Locale.ROOT)).toList());
    }

    /** Whether a call to {@code host} (a name or an IP address) on {@code port} goes around the proxy. */
    public boolean covers(String host, int port) {
        String name = unbracketed(host.toLowerCase(Locale.ROOT));
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        for (String entry : entries) {
            if (covers(entry, name, port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean covers(String entry, String host, int port) {
        if (entry.equals("*")) {
            return true;
        }
        if (entry.contains("/")) {
            return inRange(entry, host);
        }
        String domain = entry;
        int colon = entry.lastIndexOf(':');
        boolean hasPort = colon > 0 && entry.indexOf(':') == colon
                          && entry.substring(colon + 1).chars().allMatch(Character::isDigit);
        if (hasPort) {
            if (Integer.parseInt(entry.substring(colon + 1)) != port) {
                return false;
            }
            domain = entry.substring(0, colon);
        }
        domain = unbracketed(domain);
        if (domain.startsWith("*.")) {
            domain = domain.substring(1);
        }
        if (domain.startsWith(".")) {
            domain = domain.substring(1);
        }
        return host.equals(domain) || host.endsWith("." + domain);
    }

    /** {@code 10.0.0.0/8}: only IP addresses fall in a range; a name is not resolved for it. */
    private static boolean inRange(String entry, String host) {
        String[] parts = entry.split("/", 2);
        if (!isAddress(host) || !isAddress(unbracketed(parts[0]))) {
            return false;
        }
        try {
            byte[] network = InetAddress.getByName(unbracketed(parts[0])).getAddress();
            byte[] address = InetAddress.getByName(host).getAddress();
            int bits = Integer.parseInt(parts[1]);
            if (network.length != address.length || bits < 0 || bits > network.length * 8) {
                return false;
            }
            int shift = network.length * 8 - bits;
            return new BigInteger(1, network).shiftRight(shift).equals(new BigInteger(1, address).shiftRight(shift));
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    private static boolean isAddress(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
