package dev.nanobanana.camel.kamelet;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kamelet.KameletEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Notes on each exchange sent to the kamelet the route that sends it. Inside the kamelet that is known no more: Camel
 * gives every route that calls the kamelet with the same parameters one kamelet route (created for the first of them),
 * and hands it a copy of the exchange that names the kamelet's route as where it came from.
 */
final class CallingRoutes extends EventNotifierSupport {

    /** The id of the route that sent the exchange to the kamelet. */
    static final String PROPERTY = "NanoBananaCallingRoute";

    private CallingRoutes() {
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeSentEvents(true);
    }

    /** Starts noting the calling routes in this context, unless it does already. */
    static void watch(CamelContext context) {
        boolean watching = context.getManagementStrategy().getEventNotifiers().stream()
                .anyMatch(CallingRoutes.class::isInstance);
        if (!watching) {
            CallingRoutes notes = new CallingRoutes();
            context.getManagementStrategy().addEventNotifier(notes);
            ServiceHelper.startService(notes);
        }
    }

    /** The route that sent the exchange to the kamelet, or null when none did (a producer template sent it). */
    static String of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, String.class);
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof ExchangeSendingEvent sending && sending.getEndpoint() instanceof KameletEndpoint kamelet
            && EditAction.NAME.equals(kamelet.getTemplateId())) {
            String route = ExchangeHelper.getRouteId(sending.getExchange());
            if (route != null) {
                sending.getExchange().setProperty(PROPERTY, route);
            }
        }
    }
}
