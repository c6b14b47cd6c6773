package dev.nanobanana.camel.kamelet;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;

import dev.nanobanana.camel.pipeline.JobExchange;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.job.JobOutcome;
import dev.nanobanana.camel.sink.ErrorRecord;
import dev.nanobanana.camel.sink.RecordFormat;
import dev.nanobanana.camel.sink.ResultRecord;
import dev.nanobanana.camel.job.JobRoute;

/**
 * The step of the kamelet {@code nano-banana-edit-action}: runs the job in the message through the pipeline of its
 * CamelContext ({@link NanoBananaRoutes}: validation, the ledger, retries, polling, keeping and delivering the image)
 * and answers with the job's record and headers that say how it ended, or fails the exchange with the reason. A job
 * waiting on RunPod holds no thread.
 */
public class EditAction extends AsyncProcessorSupport implements CamelContextAware {

    static final String NAME = "nano-banana-edit-action";
    static final String KAMELET = "kamelet " + NAME;

    /** The job's id: its {@code id}, else named after the {@code CamelFileName} header, else generated. */
    public static final String JOB_ID = "NanoBananaJobId";
    /** {@code COMPLETED} or {@code FAILED}. */
    public static final String STATUS = "NanoBananaStatus";
    /** The image's file name in the completed sink, such as {@code shoe.png}. */
    public static final String IMAGE_FILE = "NanoBananaImageFile";
    /** The record's file name in its sink: {@code shoe.json}, or {@code shoe.error.json}. */
    public static final String RECORD_FILE = "NanoBananaRecordFile";
    /** RunPod's id of the job, once RunPod gave one. */
    public static final String RUNPOD_ID = "NanoBananaRunpodId";
    /** What RunPod charged, in USD (a {@link java.math.BigDecimal}), when it says. */
    public static final String COST_USD = "NanoBananaCostUsd";

    private CamelContext context;
    private String apiKey;
    private String endpointUrl;
    private String completedSink;
    private String failedSink;
    private String callingRoute = "nano-banana-edit-action";
    private AsyncProducer pipeline;

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = blankAsNull(apiKey);
    }

    public void setEndpointUrl(String endpointUrl) {
        this.endpointUrl = blankAsNull(endpointUrl);
    }

    public void setCompletedSink(String completedSink) {
        this.completedSink = blankAsNull(completedSink);
    }

    public void setFailedSink(String failedSink) {
        this.failedSink = blankAsNull(failedSink);
    }

    /**
     * The id of the route the kamelet's route was created for, the key of jobs sent to the kamelet from no route (a
     * producer template). Not the kamelet's own route, whose id Camel numbers in the order kamelets are created, which
     * changes as routes are added.
     */
    public void setCallingRoute(String callingRoute) {
        if (callingRoute != null && !callingRoute.isBlank()) {
            this.callingRoute = callingRoute.trim();
        }
    }

    /**
     * Makes sure the pipeline is in the context, once this step's parameters are set: the kamelet's template calls it
     * as the bean's init method, while its route is being created, so that the pipeline's routes start with the
     * context's own when it is starting.
     */
    public void joinPipeline() throws Exception {
        SharedPipeline.join(context, endpointUrl, apiKey);
        CallingRoutes.watch(context);
    }

    @Override
    protected void doStart() throws Exception {
        pipeline = context.getEndpoint(NanoBananaRoutes.JOB).createAsyncProducer();
        ServiceHelper.startService(pipeline);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(pipeline);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Exchange job = jobOf(exchange);
        return pipeline.process(job, doneSync -> {
            try {
                answer(exchange, job);
            } catch (Exception e) {
                exchange.setException(e);
            }
            callback.done(doneSync);
        });
    }

    /**
     * The job on an exchange of its own, as a job file's jobs are: the caller's headers and properties stay the
     * caller's, and what the pipeline puts on its messages (for the sinks) never reaches the caller.
     */
    private Exchange jobOf(Exchange caller) {
        Exchange job = new DefaultExchange(context);
        job.getIn().setBody(caller.getMessage().getBody());
        String fileName = caller.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        if (fileName != null) {
            job.getIn().setHeader(Exchange.FILE_NAME, fileName);
        }
        // with the job's id, its key in the ledger: a job sent again from the same route is never paid twice, and
        // routes that call the kamelet alike each have their own jobs
        String route = CallingRoutes.of(caller);
        job.setProperty(JobExchange.ROUTE, new JobRoute(route != null ? route : callingRoute, completedSink, failedSink,
                null, false));
        return job;
    }

    private static void answer(Exchange caller, Exchange job) throws Exception {
        JobOutcome outcome = job.getProperty(JobExchange.OUTCOME, JobOutcome.class);
        if (job.getException() != null) {
            caller.setException(job.getException());
            return;
        }
        if (outcome == null) {
            String id = JobExchange.jobId(job);
            caller.setException(new JobFailedException(id, "Camel is stopping, and the job was not submitted: nothing "
                    + "was paid; send it again", null, null));
            return;
        }
        Message message = caller.getMessage();
        header(message, JOB_ID, outcome.jobId());
        header(message, STATUS, outcome.completed() ? "COMPLETED" : "FAILED");
        header(message, RECORD_FILE, outcome.recordFile());
        Object record = job.getProperty(JobExchange.RECORD);
        if (record instanceof ResultRecord result) {
            header(message, IMAGE_FILE, result.imageFile());
            header(message, RUNPOD_ID, result.runpodId());
            header(message, COST_USD, result.costUsd());
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setBody(RecordFormat.text(result));
        } else if (record instanceof ErrorRecord error) {
            header(message, RUNPOD_ID, error.runpodId());
        }
        if (!outcome.completed()) {
            caller.setException(new JobFailedException(outcome.jobId(), outcome.detail(), outcome.recordFile(),
                    record instanceof ErrorRecord error ? error : null));
        }
    }

    private static void header(Message message, String name, Object value) {
        if (value != null) {
            message.setHeader(name, value);
        }
    }

    private static String blankAsNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public String toString() {
        // never the API key
        return "EditAction[callingRoute=" + callingRoute + ", endpointUrl=" + endpointUrl + ", completedSink="
               + completedSink + ", failedSink=" + failedSink + "]";
    }
}
