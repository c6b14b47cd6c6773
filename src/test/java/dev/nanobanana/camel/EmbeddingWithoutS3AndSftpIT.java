package dev.nanobanana.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.emulator.EmulatorSettings;
import dev.nanobanana.camel.emulator.RunpodEmulator;

/**
 * The library jar stays light: an application that embeds the pipeline runs it without camel-ftp, camel-aws2-s3,
 * JSch or the AWS SDK on its classpath, and without the standalone runtime's management server (camel-platform-http,
 * Vert.x, camel-health, camel-micrometer, Prometheus).
 */
class EmbeddingWithoutS3AndSftpIT {

    @TempDir
    Path work;

    @Test
    void theRoutesRunAJobWithoutTheSftpAndS3Libraries() throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.matches(".*(camel-ftp|camel-aws2-s3|camel-aws-common|/software/amazon/"
                                                + "|/com/github/mwiede/jsch"
                                                + "|camel-platform-http|vertx|camel-micrometer|camel-health"
                                                + "|prometheus).*"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).doesNotContain("camel-aws2-s3", "camel-ftp", "jsch", "camel-platform-http", "vertx",
                "camel-micrometer", "camel-health", "prometheus");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", classpath, Application.class.getName(), work.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("out.log").toFile()).start();

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(work.resolve("out.log"))).isZero();
        assertThat(work.resolve("completed/embedded.png")).exists();
        assertThat(work.resolve("completed/embedded.json")).exists();
    }

    /** Someone else's application: a plain CamelContext that adds the pipeline and sends it one job. */
    public static final class Application {

        public static void main(String[] args) throws Exception {
            Path work = Path.of(args[0]);
            try (RunpodEmulator emulator = RunpodEmulator.start(EmulatorSettings.defaults()
                    .withLatency(Duration.ofMillis(50)))) {
                DefaultCamelContext context = new DefaultCamelContext();
                Properties properties = new Properties();
                properties.setProperty("nanobanana.endpoint-url", emulator.endpointUrl());
                properties.setProperty("nanobanana.api-key", emulator.apiKey());
                properties.setProperty("nanobanana.completed-dir", work.resolve("completed").toString());
                properties.setProperty("nanobanana.failed-dir", work.resolve("failed").toString());
                properties.setProperty("nanobanana.spool-dir", work.resolve("spool").toString());
                properties.setProperty("nanobanana.ledger.url", "jdbc:h2:file:" + work.resolve("state/ledger"));
                context.getPropertiesComponent().setInitialProperties(properties);
                context.addRoutes(new NanoBananaErrorHandling());
                context.addRoutes(new NanoBananaRoutes());
                context.start();
                ProducerTemplate template = context.createProducerTemplate();
                template.sendBody(NanoBananaRoutes.JOB, Map.of("id", "embedded", "prompt", "p",
                        "images", List.of("https://images.test/a.png")));
                context.stop();
            }
            System.exit(Files.exists(work.resolve("completed/embedded.png")) ? 0 : 1);
        }
    }
}
