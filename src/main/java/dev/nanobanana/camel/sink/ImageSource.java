package dev.nanobanana.camel.sink;

import java.util.Base64;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.nanobanana.camel.JobExchange;
import dev.nanobanana.camel.JobStep;
import dev.nanobanana.camel.runpod.RunpodProtocolException;
import dev.nanobanana.camel.runpod.RunpodResult;

/**
 * Finds the image of a completed job: a URL to download (set as the HTTP URI of the download), or base64 output, a
 * data URI or bare base64, decoded into the message body.
 */
public class ImageSource implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        RunpodResult result = JobExchange.result(exchange);
        String ref = result.imageRef().orElseThrow(() -> new RunpodProtocolException(
                "RunPod reports the job COMPLETED but its output holds no image: " + result.output()));
        exchange.getIn().removeHeaders("CamelHttp*");
        String scheme = ref.length() > 8 ? ref.substring(0, 8).toLowerCase(Locale.ROOT) : "";
        if (scheme.startsWith("http://") || scheme.startsWith("https://")) {
            exchange.setProperty(JobExchange.STEP, JobStep.DOWNLOAD);
            exchange.setProperty(JobExchange.IMAGE_URL, ref);
            exchange.getIn().setHeader(Exchange.HTTP_METHOD, "GET");
            exchange.getIn().setHeader(Exchange.HTTP_URI, ref);
            exchange.getIn().setBody(null);
        } else {
            exchange.getIn().setBody(decode(ref));
        }
    }

    private static byte[] decode(String ref) throws RunpodProtocolException {
        String data = ref;
        if (ref.startsWith("data:")) {
            int comma = ref.indexOf(',');
            if (comma < 0 || !ref.substring(0, comma).endsWith(";base64")) {
                throw new RunpodProtocolException("RunPod's image is a data URI that is not base64: " + start(ref));
            }
            data = ref.substring(comma + 1);
        }
        byte[] image;
        try {
            image = Base64.getDecoder().decode(data.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new RunpodProtocolException("RunPod's image output is neither a URL nor base64: " + start(ref));
        }
        if (!isImage(image)) {
            throw new RunpodProtocolException("RunPod's base64 output does not decode to a PNG or JPEG image");
        }
        return image;
    }

    /** The start of an image reference, enough to recognise it; the whole can be megabytes of base64. */
    private static String start(String ref) {
        return ref.substring(0, Math.min(ref.length(), 40)) + "...";
    }

    private static boolean isImage(byte[] bytes) {
        boolean png = bytes.length > 8 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N'
                      && bytes[3] == 'G';
        boolean jpeg = bytes.length > 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8;
        return png || jpeg;
    }
}
