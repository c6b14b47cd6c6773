package dev.nanobanana.camel.kamelet;

import java.util.List;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.BeanRepository;
import org.apache.camel.spi.LocalBeanRepositoryAware;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceHelper;

import dev.nanobanana.camel.pipeline.NanoBananaErrorHandling;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.settings.NanoBananaSettings;
import dev.nanobanana.camel.pipeline.PipelineBeans;

/**
 * The pipeline of a CamelContext as kamelets find it. One per context, as it holds the job ledger and the limit on
 * jobs in flight: the application's own (the standalone runtime adds it), or else added by the first kamelet that
 * needs it, with that kamelet's endpoint and API key over the context's {@code nanobanana.*} settings. Later kamelets
 * share it, and may not name another endpoint or key: one context sends all its jobs to one RunPod account.
 */
final class SharedPipeline {

    private SharedPipeline() {
    }

    /**
     * Adds the pipeline to the context unless it is there.
     *
     * @param endpointUrl the kamelet's endpoint, or null for the context's {@code nanobanana.endpoint-url}
     * @param apiKey the kamelet's API key, or null for the context's {@code nanobanana.api-key}
     * @throws IllegalArgumentException when the pipeline there sends to another endpoint or with another key, or when
     *         there is no API key at all
     */
    static void join(CamelContext context, String endpointUrl, String apiKey) throws Exception {
        synchronized (context) {
            PipelineBeans running = PipelineBeans.in(context);
            if (running != null) {
                requireSame(running.settings(), endpointUrl, apiKey);
                return;
            }
            NanoBananaSettings settings = NanoBananaSettings.from(context);
            settings = settings.withEndpoint(endpointUrl != null ? endpointUrl : settings.endpointUrl(),
                    apiKey != null ? apiKey : settings.apiKey());
            if (!settings.hasApiKey()) {
                throw new IllegalArgumentException(EditAction.KAMELET + " has no RunPod API key: set its apiKey "
                        + "parameter, or RUNPOD_API_KEY (or nanobanana.api-key)");
            }
            NanoBananaRoutes routes = new NanoBananaRoutes(settings);
            context.addRoutes(new NanoBananaErrorHandling(settings));
            context.addRoutes(routes);
            // a context that is starting has set up its routes already (kamelets are created after): these are set up
            // now, and start with the others
            List<RouteDefinition> notSetUp = routes.getRouteCollection().getRoutes().stream()
                    .filter(route -> context.getRouteController().getRouteStatus(route.getId()) == null)
                    .toList();
            if (!notSetUp.isEmpty()) {
                setUpWhileKameletIsCreated(context, notSetUp);
            }
            if (context.isStarted()) {
                // the clerk starts when the context does; this context started before the pipeline was added
                ServiceHelper.startService(PipelineBeans.in(context).clerk());
            }
        }
    }

    /**
     * Sets up the pipeline's routes in the middle of setting up the kamelet's route (this runs as its bean is
     * created). Camel clears the template's parameters and local beans when it has set up routes, so they are kept
     * aside and given back, for the rest of the kamelet's route to find them.
     */
    private static void setUpWhileKameletIsCreated(CamelContext context, List<RouteDefinition> routes)
            throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        Properties templateParameters = properties.getLocalProperties();
        LocalBeanRepositoryAware localBeans = context.getRegistry() instanceof LocalBeanRepositoryAware aware
                ? aware : null;
        BeanRepository templateBeans = localBeans != null ? localBeans.getLocalBeanRepository() : null;
        String kameletRoute = context.getCamelContextExtension().getCreateRoute();
        properties.setLocalProperties(null);
        if (localBeans != null) {
            localBeans.setLocalBeanRepository(null);
        }
        try {
            ((ModelCamelContext) context).startRouteDefinitions(routes);
        } finally {
            properties.setLocalProperties(templateParameters);
            if (localBeans != null) {
                localBeans.setLocalBeanRepository(templateBeans);
            }
            context.getCamelContextExtension().createRoute(kameletRoute);
        }
    }

    private static void requireSame(NanoBananaSettings running, String endpointUrl, String apiKey) {
        if (endpointUrl != null && !stripTrailingSlash(endpointUrl).equals(running.endpointUrl())) {
            throw new IllegalArgumentException(EditAction.KAMELET + ": endpointUrl " + endpointUrl + " differs from "
                    + running.endpointUrl() + ", where the nano-banana pipeline of this CamelContext sends its jobs "
                    + "(one per context): leave endpointUrl out, or set nanobanana.endpoint-url");
        }
        if (apiKey != null && !apiKey.equals(running.apiKey())) {
            throw new IllegalArgumentException(EditAction.KAMELET + ": apiKey differs from the API key the nano-banana "
                    + "pipeline of this CamelContext uses (one per context): leave apiKey out, or set "
                    + "nanobanana.api-key");
        }
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
