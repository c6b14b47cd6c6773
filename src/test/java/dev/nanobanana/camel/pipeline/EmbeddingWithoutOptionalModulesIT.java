package dev.nanobanana.camel.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.nanobanana.emulator.EmulatorSettings;
import dev.nanobanana.emulator.RunpodEmulator;

/**
 * The library jar stays light: an application that embeds the pipeline with an H2 ledger runs it without camel-ftp,
 * camel-aws2-s3, JSch or the AWS SDK, without the standalone runtime's management server (camel-platform-http, Vert.x,
 * camel-health, camel-micrometer, Prometheus), without the PostgreSQL driver and Flyway's PostgreSQL support, without
 * the RunPod emulator (its own jar: here it runs in the test, as an application's tests would run it), and, as it names
 * no file claims and uses neither the kamelet nor YAML routes, without camel-sql, Spring, camel-kamelet and
 * camel-yaml-dsl.
 */
class EmbeddingWithoutOptionalModulesIT {

    /** Jars an application may leave out: what the library marks optional, and what README says may be excluded. */
    static final String LEFT_OUT = ".*(camel-ftp|camel-aws2-s3|camel-aws-common|/software/amazon/|/com/github/mwiede/jsch"
                                   + "|camel-platform-http|vertx|camel-micrometer|camel-health|prometheus"
                                   + "|/org/postgresql/|/io/zonky/|flyway-database-|checker-qual"
                                   + "|camel-sql|/org/springframework/|camel-kamelet|camel-yaml-dsl|snakeyaml-engine"
                                   + "|camel-dsl-support|-emulator\\.jar).*";

    @TempDir
    Path work;
    RunpodEmulator emulator;

    @BeforeEach
    void startTheEmulator() throws IOException {
        emulator = RunpodEmulator.start(EmulatorSettings.defaults().withLatency(Duration.ofMillis(50)));
    }

    @AfterEach
    void stopTheEmulator() {
        emulator.close();
    }

    @Test
    void theRoutesRunAJobWithoutTheOptionalLibraries() throws Exception {
        String classpath = applicationClasspath();
        assertThat(classpath).doesNotContain("camel-aws2-s3", "camel-ftp", "jsch", "camel-platform-http", "vertx",
                "camel-micrometer", "camel-health", "prometheus", "postgresql", "cockroachdb", "camel-sql", "spring",
                "camel-kamelet", "camel-yaml-dsl", "-emulator.jar");

        Run run = runApplication(classpath, "jdbc:h2:file:" + work.resolve("state/ledger"));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(work.resolve("completed/embedded.png")).exists();
        assertThat(work.resolve("completed/embedded.json")).exists();
    }

    @Test
    void aLedgerOnPostgresqlWithoutItsDriverIsRefusedNamingTheDependenciesToAdd() throws Exception {
        Run run = runApplication(applicationClasspath(), "jdbc:postgresql://127.0.0.1:9/nanobanana");

        assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("job ledger: jdbc:postgresql://127.0.0.1:9/nanobanana is a PostgreSQL "
                                          + "database, and org.postgresql.Driver is not on the classpath: add the "
                                          + "dependencies org.postgresql:postgresql and "
                                          + "org.flywaydb:flyway-database-postgresql to the application");
    }

    @Test
    void anApplicationDependingOnTheLibraryGetsNoPostgresqlDriverNorFlywayPostgresqlSupport() throws Exception {
        // the POM the library jar carries, which an application's Maven reads
        Path appJar = Path.of(System.getProperty("app.jar"));
        Path jar;
        try (Stream<Path> built = Files.list(appJar.getParent())) {
            jar = built.filter(file -> file.getFileName().toString().matches("nano-banana-camel-\\d.*(?<!-emulator)\\.jar"))
                    .findFirst().orElseThrow();
        }
        Map<String, Boolean> optional = new HashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry pom = zip.getEntry("META-INF/maven/dev.nanobanana/nano-banana-camel/pom.xml");
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(zip.getInputStream(pom));
            NodeList dependencies = document.getElementsByTagName("dependency");
            for (int i = 0; i < dependencies.getLength(); i++) {
                Element dependency = (Element) dependencies.item(i);
                optional.put(text(dependency, "artifactId"), "true".equals(text(dependency, "optional")));
            }
        }

        assertThat(optional).containsEntry("postgresql", true).containsEntry("flyway-database-postgresql", true)
                .containsEntry("camel-ftp", true).containsEntry("camel-aws2-s3", true)
                .containsEntry("h2", false).containsEntry("flyway-core", false);
    }

    private static String text(Element parent, String tag) {
        NodeList found = parent.getElementsByTagName(tag);
        return found.getLength() == 0 ? null : found.item(0).getTextContent().trim();
    }

    private static String applicationClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.matches(LEFT_OUT))
                .collect(Collectors.joining(File.pathSeparator));
    }

    record Run(int exitCode, String output) {
    }

    private Run runApplication(String classpath, String ledgerUrl) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", classpath, Application.class.getName(), work.toString(),
                ledgerUrl, emulator.endpointUrl(), emulator.apiKey()).redirectErrorStream(true)
                .redirectOutput(work.resolve("out.log").toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(work.resolve("out.log")));
    }

    /**
     * Someone else's application: a plain CamelContext that adds the pipeline and sends it one job, to the RunPod
     * endpoint and with the key its arguments name.
     */
    public static final class Application {

        public static void main(String[] args) throws Exception {
            Path work = Path.of(args[0]);
            DefaultCamelContext context = new DefaultCamelContext();
            Properties properties = new Properties();
            properties.setProperty("nanobanana.endpoint-url", args[2]);
            properties.setProperty("nanobanana.api-key", args[3]);
            properties.setProperty("nanobanana.completed-dir", work.resolve("completed").toString());
            properties.setProperty("nanobanana.failed-dir", work.resolve("failed").toString());
            properties.setProperty("nanobanana.spool-dir", work.resolve("spool").toString());
            properties.setProperty("nanobanana.ledger.url", args[1]);
            context.getPropertiesComponent().setInitialProperties(properties);
            context.addRoutes(new NanoBananaErrorHandling());
            try {
                context.addRoutes(new NanoBananaRoutes());
            } catch (Exception e) {
                // what the application is told
                System.out.println(e.getMessage());
                System.exit(2);
            }
            context.start();
            ProducerTemplate template = context.createProducerTemplate();
            template.sendBody(NanoBananaRoutes.JOB, Map.of("id", "embedded", "prompt", "p",
                    "images", List.of("https://images.test/a.png")));
            context.stop();
            System.exit(Files.exists(work.resolve("completed/embedded.png")) ? 0 : 1);
        }
    }
}
