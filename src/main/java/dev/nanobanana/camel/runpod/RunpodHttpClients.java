package dev.nanobanana.camel.runpod;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.core5.http.HttpHeaders;

/**
 * How camel-http's clients are set up: HttpClient's own retries are off, so that Camel's error handler owns every
 * retry, and the API key is added by the client itself, so that it never sits on a Camel message where a log, a
 * trace or an error record could show it. Image downloads go to another host and get no key.
 */
public final class RunpodHttpClients {

    private RunpodHttpClients() {
    }

    public static HttpClientConfigurer api(String apiKey) {
        String authorization = "Bearer " + apiKey;
        return builder -> builder
                .disableAutomaticRetries()
                .addRequestInterceptorFirst((request, entity, context) ->
                        request.setHeader(HttpHeaders.AUTHORIZATION, authorization));
    }

    public static HttpClientConfigurer imageHost() {
        return builder -> builder.disableAutomaticRetries();
    }
}
