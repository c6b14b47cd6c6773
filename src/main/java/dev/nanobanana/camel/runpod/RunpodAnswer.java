package dev.nanobanana.camel.runpod;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.nanobanana.camel.JobExchange;

/** Reads RunPod's answer to a call into the job's {@link JobExchange#RESULT}. */
public class RunpodAnswer implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        RunpodResult result = RunpodResponses.parse(exchange.getIn().getBody(String.class));
        RunpodResult previous = JobExchange.result(exchange);
        if (previous != null && !previous.id().equals(result.id())) {
            throw new RunpodProtocolException("RunPod answered about job " + result.id() + " when asked about "
                                              + previous.id());
        }
        exchange.setProperty(JobExchange.RESULT, result);
        exchange.getIn().setBody(null);
        // Camel keeps the redelivery counter on the message after a retried call succeeds; the next call must start
        // with a full set of attempts
        exchange.getIn().removeHeaders("CamelRedeliver*");
    }
}
