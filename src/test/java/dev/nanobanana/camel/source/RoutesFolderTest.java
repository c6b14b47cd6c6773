package dev.nanobanana.camel.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.camel.Route;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.s3.NanoBananaS3Routes;
import dev.nanobanana.camel.testing.S3TestServer;
import dev.nanobanana.camel.pipeline.NanoBananaErrorHandling;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.settings.NanoBananaSettings;

/** Stands in for Camel's YAML DSL validator plugin (not served here): every file under routes/ must load. */
public class RoutesFolderTest {

    @Test
    void withTheDefaultsOnlyTheFolderSourceIsThere() throws Exception {
        try (DefaultCamelContext context = load(NanoBananaSettings.defaultProperties())) {
            assertThat(context.getRoutes()).extracting(Route::getRouteId)
                    .filteredOn(id -> !id.startsWith("nanobanana-")).containsExactly("inbox");
            assertThat(context.getRoute("inbox").getEndpoint().getEndpointUri()).startsWith("file://inbox?");
            assertThat(context.getEndpoints()).extracting(endpoint -> endpoint.getEndpointUri())
                    .contains("direct://nanobanana-job-file");
        }
    }

    @Test
    void withS3AndSftpEnabledTheirSourcesAndSinksLoadToo() throws Exception {
        Properties properties = NanoBananaSettings.defaultProperties();
        try (S3TestServer s3 = S3TestServer.start()) {
            s3.createBucket("jobs");
            properties.putAll(s3Settings(s3, "jobs"));
            loadWithS3AndSftp(properties);
        }
    }

    /** The nanobanana.s3.* settings of a user whose bucket is in the test's S3 server. */
    public static Properties s3Settings(S3TestServer s3, String bucket) {
        Properties properties = new Properties();
        properties.setProperty("nanobanana.s3.enabled", "true");
        properties.setProperty("nanobanana.s3.bucket", bucket);
        properties.setProperty("nanobanana.s3.endpoint-url", s3.endpoint().toString());
        properties.setProperty("nanobanana.s3.path-style", "true");
        properties.setProperty("nanobanana.s3.access-key", s3.accessKey());
        properties.setProperty("nanobanana.s3.secret-key", s3.secretKey());
        properties.setProperty("nanobanana.s3.checksums", "when-required");
        return properties;
    }

    private static void loadWithS3AndSftp(Properties properties) throws Exception {
        properties.setProperty("nanobanana.sftp.enabled", "true");
        properties.setProperty("nanobanana.sftp.host", "sftp.example.test");
        properties.setProperty("nanobanana.sftp.username", "partner");
        properties.setProperty("nanobanana.sftp.password", "pw");
        try (DefaultCamelContext context = load(properties)) {
            assertThat(context.getRoutes()).extracting(Route::getRouteId).contains("inbox", "s3-inbox",
                    "s3-completed-sink", "s3-failed-sink", "sftp-inbox", "sftp-completed-sink", "sftp-failed-sink",
                    "sftp-write");
            assertThat(context.getRoute("s3-inbox").getEndpoint().getEndpointUri()).startsWith("aws2-s3://jobs?");
            assertThat(context.getRoute("sftp-inbox").getEndpoint().getEndpointUri())
                    .startsWith("sftp://sftp.example.test:22/inbox?");
        }
    }

    @TempDir
    static Path work;

    private static DefaultCamelContext load(Properties properties) throws Exception {
        properties.setProperty("nanobanana.ledger.url", "jdbc:h2:file:" + work.resolve("state/ledger-"
                                                                               + System.nanoTime()));
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of("routes"))) {
            files = listing.filter(file -> file.toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setInitialProperties(properties);
        context.setAutoStartup(false);
        context.addRoutes(new NanoBananaErrorHandling());
        context.addRoutes(new NanoBananaRoutes());
        if ("true".equals(properties.getProperty("nanobanana.s3.enabled"))) {
            context.addRoutes(new NanoBananaS3Routes());
        }
        for (Path file : files) {
            PluginHelper.getRoutesLoader(context)
                    .loadRoutes(ResourceHelper.resolveMandatoryResource(context, "file:" + file));
        }
        context.start();
        return context;
    }
}
