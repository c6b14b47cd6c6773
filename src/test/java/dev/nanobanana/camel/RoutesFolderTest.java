package dev.nanobanana.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.Route;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/** Stands in for Camel's YAML DSL validator plugin (not served here): every file under routes/ must load. */
class RoutesFolderTest {

    @Test
    void everyRouteFileLoadsAndHandsJobFilesToThePipeline() throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of("routes"))) {
            files = listing.filter(file -> file.toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(NanoBananaSettings.defaultProperties());
            context.setAutoStartup(false);
            for (Path file : files) {
                PluginHelper.getRoutesLoader(context)
                        .loadRoutes(ResourceHelper.resolveMandatoryResource(context, "file:" + file));
            }
            context.start();

            assertThat(context.getRoutes()).extracting(Route::getRouteId).containsExactlyInAnyOrder("inbox",
                    "examples");
            assertThat(context.getRoute("inbox").getEndpoint().getEndpointUri()).startsWith("file://inbox?");
            assertThat(context.getEndpoints()).extracting(endpoint -> endpoint.getEndpointUri())
                    .contains("direct://nanobanana-job-file");
        }
    }
}
