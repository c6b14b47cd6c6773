package dev.nanobanana.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One fault for one operation, as configured in a properties file; {@link #parse(String)} reads a list of them.
 *
 * <p>Grammar (names are case-insensitive, blanks around entries are ignored, a blank spec means no faults):
 * <pre>
 * spec     = entry *( "," entry )
 * entry    = operation "=" fault
 * operation= runsync | run | status | cancel | health | image
 * fault    = STATUS [ ";retry-after=" DURATION ]  answer HTTP STATUS (400-599) with a JSON error
 *          | "drop"                              close the connection without an answer
 *          | "not-json"                          answer 200 with an HTML page
 *          | "stall"                             send the headers and half the body, then nothing
 *          | "slow:" DURATION                    the job runs that long         (runsync and run only)
 *          | "timeout:" DURATION                 the job runs that long, then ends TIMED_OUT (runsync and run only)
 *          | "fail:" TEXT                        the job ends FAILED with TEXT  (runsync and run only)
 *          | "fail-" STATUS ":" TEXT             the same, runsync answering it with HTTP STATUS
 * DURATION = digits followed by "ms", "s" or "m"; bare digits are seconds
 * </pre>
 * A comma starts a new entry only when a name and "=" follow it, so TEXT may hold commas, e.g.
 * {@code runsync=fail:Error submitting task: 400, {"code":400}, status=drop}.
 *
 * @param operation the operation whose next request meets the fault
 * @param fault what happens to it
 */
public record FaultSpec(Operation operation, Fault fault) {

    private static final Pattern ENTRY_SEPARATOR = Pattern.compile(",(?=\\s*[\\w-]+\\s*=)");
    private static final Pattern STATUS = Pattern.compile("(\\d{3})(?:;retry-after=(\\w+))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern FAIL = Pattern.compile("fail(?:-(\\d{3}))?:(.*)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern SLOW = Pattern.compile("slow:(\\w+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIMEOUT = Pattern.compile("timeout:(\\w+)", Pattern.CASE_INSENSITIVE);

    public FaultSpec {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(fault, "fault");
        if (fault.shapesJob() && !operation.createsJobs()) {
            throw new IllegalArgumentException(fault.getClass().getSimpleName()
                    + " shapes a job, so it applies to RUNSYNC and RUN only, not to " + operation);
        }
    }

    /** Reads a spec such as {@code runsync=429;retry-after=2, status=drop}; throws IllegalArgumentException if it is invalid. */
    public static List<FaultSpec> parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        List<FaultSpec> faults = new ArrayList<>();
        if (spec.isBlank()) {
            return faults;
        }
        for (String entry : ENTRY_SEPARATOR.split(spec)) {
            try {
                faults.add(parseEntry(entry.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid fault \"" + entry.trim() + "\": " + e.getMessage(), e);
            }
        }
        return List.copyOf(faults);
    }

    private static FaultSpec parseEntry(String entry) {
        int equals = entry.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("expected <operation>=<fault>");
        }
        return new FaultSpec(parseOperation(entry.substring(0, equals).trim()), parseFault(entry.substring(equals + 1).trim()));
    }

    private static Operation parseOperation(String name) {
        try {
            return Operation.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown operation \"" + name
                    + "\"; expected runsync, run, status, cancel, health or image", e);
        }
    }

    private static Fault parseFault(String text) {
        Matcher matcher;
        if ((matcher = STATUS.matcher(text)).matches()) {
            int status = Integer.parseInt(matcher.group(1));
            return matcher.group(2) == null ? Fault.httpStatus(status) : Fault.httpStatus(status, DurationText.parse(matcher.group(2)));
        }
        if ((matcher = FAIL.matcher(text)).matches()) {
            String error = matcher.group(2).trim();
            if (error.isEmpty()) {
                throw new IllegalArgumentException("fail needs an error text, e.g. fail:Invalid image URL");
            }
            return matcher.group(1) == null ? Fault.jobFails(error) : Fault.jobFails(Integer.parseInt(matcher.group(1)), error);
        }
        if ((matcher = SLOW.matcher(text)).matches()) {
            return Fault.jobRunsFor(DurationText.parse(matcher.group(1)));
        }
        if ((matcher = TIMEOUT.matcher(text)).matches()) {
            return Fault.jobTimesOut(DurationText.parse(matcher.group(1)));
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "drop" -> Fault.dropConnection();
            case "not-json" -> Fault.notJson();
            case "stall" -> Fault.stallMidBody();
            default -> throw new IllegalArgumentException("unknown fault \"" + text
                    + "\"; expected <status>[;retry-after=<duration>], drop, not-json, stall, slow:<duration>,"
                    + " timeout:<duration>, fail:<text> or fail-<status>:<text>");
        };
    }
}
