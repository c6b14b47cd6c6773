package dev.nanobanana.camel.pipeline;

import java.util.function.Consumer;

import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

import dev.nanobanana.camel.ledger.StoredJob;

/**
 * Sends a job the ledger hands back (this instance's own after a restart, or one taken over) into the route that
 * finishes it, with everything its first run carried: its state, with its route's sinks.
 */
final class Resumption implements Consumer<StoredJob> {

    private final CamelContext context;
    private final String endpoint;
    private AsyncProducer producer;

    Resumption(CamelContext context, String endpoint) {
        this.context = context;
        this.endpoint = endpoint;
    }

    @Override
    public synchronized void accept(StoredJob job) {
        try {
            if (producer == null) {
                producer = context.getEndpoint(endpoint).createAsyncProducer();
                producer.start();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot resume jobs through " + endpoint, e);
        }
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(JobExchange.STATE, job.state().inLedger());
        producer.process(exchange, doneSync -> { });
    }
}
