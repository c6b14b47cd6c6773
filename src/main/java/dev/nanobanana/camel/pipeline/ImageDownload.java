package dev.nanobanana.camel.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletionException;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

import dev.nanobanana.camel.job.JobStep;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunpodClient;
import dev.nanobanana.camel.runpod.RunpodProtocolException;
import dev.nanobanana.camel.runpod.RunpodResult;
import dev.nanobanana.camel.sink.ImageSpool;

/**
 * Keeps the image of a completed job in the spool: streams it from its URL straight into a file, holding no thread
 * while it arrives. A job whose answer held its image inline has it kept already.
 *
 * <p>The job ledger is not written here: delivery follows at once, and writes the job as delivered. A crash in between
 * leaves the job with RunPod's answer in the ledger, and the next start fetches the image again (under the same name
 * in the spool), paying nothing; a delivery that fails writes the kept image to the ledger before it lets go of the
 * job. That is one commit a job fewer.
 */
public class ImageDownload extends AsyncProcessorSupport {

    private static final int ERROR_BODY_BYTES = 1024;

    private final RunpodClient client;
    private final ImageSpool spool;

    public ImageDownload(RunpodClient client, ImageSpool spool) {
        this.client = client;
        this.spool = spool;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        JobState state = JobExchange.state(exchange);
        JobExchange.at(exchange, JobStep.DOWNLOAD);
        if (state.keptImage() != null && Files.exists(state.keptImage())) {
            callback.done(true);
            return true;
        }
        String url;
        try {
            url = imageUrl(state.result());
        } catch (RunpodProtocolException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        JobExchange.update(exchange, current -> current.withImageUrl(url));
        Path incoming = spool.incoming();
        client.download(url, incoming).whenComplete((response, error) -> {
            try {
                if (error != null) {
                    throw error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                }
                if (response.statusCode() < 200 || response.statusCode() > 299) {
                    throw RunpodClient.failed(url, response.statusCode(), response.headers().map(), excerpt(incoming));
                }
                JobState current = JobExchange.state(exchange);
                exchange.setProperty(JobExchange.STATE,
                        current.kept(spool.keep(incoming, RunpodCall.keptName(current))));
                JobExchange.stepSucceeded(exchange);
            } catch (Throwable failure) {
                exchange.setException(failure);
            } finally {
                ImageSpool.discard(incoming);
            }
            callback.done(false);
        });
        return false;
    }

    private static String imageUrl(RunpodResult result) throws RunpodProtocolException {
        String ref = result.imageRef().orElseThrow(() -> new RunpodProtocolException(
                "RunPod reports the job COMPLETED but its output holds no image: " + result.output()));
        String scheme = ref.length() > 8 ? ref.substring(0, 8).toLowerCase(Locale.ROOT) : "";
        if (!scheme.startsWith("http://") && !scheme.startsWith("https://")) {
            throw new RunpodProtocolException("RunPod's image output is neither a URL nor base64: "
                                              + ref.substring(0, Math.min(ref.length(), 40)) + "...");
        }
        return ref;
    }

    private static String excerpt(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(ERROR_BODY_BYTES), StandardCharsets.UTF_8);
        }
    }
}
