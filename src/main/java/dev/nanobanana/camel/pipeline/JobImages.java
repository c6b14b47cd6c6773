package dev.nanobanana.camel.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.nanobanana.camel.job.InvalidJobException;
import dev.nanobanana.camel.job.JobState;
import dev.nanobanana.camel.runpod.RunsyncRequest;
import dev.nanobanana.camel.job.ImageReferences;
import dev.nanobanana.camel.job.LocalImages;

/**
 * The images of a job that RunPod cannot fetch as written: files beside the job file (sent as data URIs) and
 * references such as {@code s3://} that an {@link ImageReferences} in the registry takes (sent as the URL it makes).
 * {@link #process} checks them all before anything is sent, and that the body stays under RunPod's limit;
 * {@link #forSending} makes the request that goes on the wire, at each attempt. The job's state and its records keep
 * the references as written.
 */
public final class JobImages implements Processor {

    private final CamelContext context;

    public JobImages(CamelContext context) {
        this.context = context;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        RunsyncRequest request = JobExchange.state(exchange).request();
        Path folder = folder(exchange);
        long extra = 0;
        List<String> images = request.input().images();
        for (int i = 0; i < images.size(); i++) {
            String image = images.get(i);
            ImageReferences references = referencesFor(image);
            try {
                if (references != null) {
                    references.check(image);
                } else if (LocalImages.isLocal(image)) {
                    extra += LocalImages.dataUriLength(image, folder) - image.length();
                } else if (image.startsWith("s3://")) {
                    throw new InvalidJobException("\"" + image + "\" is in S3, and S3 is not set up: in the "
                            + "standalone runtime, set nanobanana.s3.enabled=true with the bucket's nanobanana.s3.* "
                            + "settings; an application that embeds the pipeline adds the routes "
                            + "dev.nanobanana.camel.s3.NanoBananaS3Routes to its CamelContext, with those settings, "
                            + "and the dependency org.apache.camel:camel-aws2-s3");
                }
            } catch (InvalidJobException e) {
                // the failed job's reason adds that nothing was sent
                throw new InvalidJobException("images[" + i + "] " + String.join("; ", e.problems()));
            }
        }
        long size = RunsyncRequest.sizeInBytes(request) + extra;
        if (extra > 0 && size > RunsyncRequest.MAX_BYTES) {
            throw new InvalidJobException(String.format("the images read from the job file's folder make the runsync "
                    + "body %.1f MB, and RunPod takes at most %d MB: give large images as http(s) URLs",
                    size / 1048576.0, RunsyncRequest.MAX_BYTES / 1048576));
        }
    }

    /** The request as it goes to RunPod: local files inlined, references turned into URLs RunPod can fetch. */
    public RunsyncRequest forSending(Exchange exchange) throws InvalidJobException {
        JobState state = JobExchange.state(exchange);
        RunsyncRequest request = state.request();
        List<String> sent = new ArrayList<>();
        boolean changed = false;
        for (String image : request.input().images()) {
            ImageReferences references = referencesFor(image);
            String url = references != null ? references.urlFor(image)
                    : LocalImages.isLocal(image) ? LocalImages.dataUri(image, folder(exchange)) : image;
            changed |= !url.equals(image);
            sent.add(url);
        }
        return changed ? request.withImages(sent) : request;
    }

    private ImageReferences referencesFor(String image) {
        Set<ImageReferences> all = context.getRegistry().findByType(ImageReferences.class);
        return all.stream().filter(references -> references.handles(image)).findFirst().orElse(null);
    }

    private static Path folder(Exchange exchange) {
        String folder = JobExchange.route(exchange).jobFolder();
        return folder == null ? null : Path.of(folder);
    }
}
