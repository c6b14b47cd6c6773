package dev.nanobanana.camel.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a user of docker/Dockerfile and docker/compose.yaml relies on without reading the code: every variable they
 * set is a setting the runtime reads, the secrets come from docker/.env, and the volumes are the folders the runtime
 * really writes. (The image itself is built and run with podman as README.md's "Container" describes.)
 */
class ContainerFilesTest {

    static final Path DOCKERFILE = Path.of("docker", "Dockerfile");
    static final Path COMPOSE = Path.of("docker", "compose.yaml");
    static final Path ENV_EXAMPLE = Path.of("docker", ".env.example");
    static final Set<String> SECRETS = Set.of("RUNPOD_API_KEY", "NANOBANANA_S3_ACCESS_KEY", "NANOBANANA_S3_SECRET_KEY",
            "NANOBANANA_SFTP_PASSWORD", "NANOBANANA_SFTP_PRIVATE_KEY_PASSPHRASE", "NANOBANANA_LEDGER_PASSWORD");

    static Properties config;
    static String dockerfile;
    static JsonNode runtime;
    static String workdir;

    @BeforeAll
    static void read() throws Exception {
        config = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("config", "application.properties"))) {
            config.load(reader);
        }
        // continuation lines joined, as Docker reads them
        dockerfile = Files.readString(DOCKERFILE).replaceAll("\\\\\\R\\s*", " ");
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
        runtime = compose.path("services").path("nano-banana");
        workdir = lastInstruction("WORKDIR");
    }

    @Test
    void everyVariableComposeSetsIsASettingOfConfigApplicationProperties() {
        Map<String, String> byVariable = config.stringPropertyNames().stream()
                .collect(Collectors.toMap(ContainerFilesTest::variableOf, key -> key));

        Set<String> variables = new TreeSet<>(environment().keySet());

        assertThat(variables).isNotEmpty().allSatisfy(variable -> assertThat(
                variable.equals("RUNPOD_API_KEY") || byVariable.containsKey(variable))
                .as("%s names no key of config/application.properties", variable).isTrue());
        assertThat(config.getProperty("nanobanana.api-key")).isEqualTo("{{env:RUNPOD_API_KEY:}}");
    }

    @Test
    void theDockerfilesCamelVariablesAreCamelMainOptions() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/camel-main-configuration-metadata.json")) {
            metadata = new ObjectMapper().readTree(in);
        }
        Set<String> options = new TreeSet<>();
        metadata.path("properties").forEach(option -> options.add(variableOf(option.path("name").asText())));

        Map<String, String> camel = environmentOfDockerfile();
        camel.keySet().removeIf(name -> !name.startsWith("CAMEL_"));

        assertThat(camel).containsEntry("CAMEL_MANAGEMENT_HOST", "0.0.0.0");
        assertThat(options).containsAll(camel.keySet());
    }

    @Test
    void secretsComeFromTheEnvFileAndAreNeverWrittenIntoTheComposeFile() throws Exception {
        Map<String, String> environment = environment();

        assertThat(environment).containsKeys("RUNPOD_API_KEY", "NANOBANANA_S3_SECRET_KEY", "NANOBANANA_SFTP_PASSWORD");
        environment.forEach((name, value) -> {
            if (SECRETS.contains(name)) {
                assertThat(value).as(name).matches("\\$\\{[A-Z_]+(:?[-?].*)?}");
            }
        });
        Properties example = new Properties();
        try (Reader reader = Files.newBufferedReader(ENV_EXAMPLE)) {
            example.load(reader);
        }
        assertThat(example).containsEntry("RUNPOD_API_KEY", "").containsEntry("MINIO_ROOT_PASSWORD", "")
                .containsEntry("SFTP_PASSWORD", "");
        assertThat(Files.readAllLines(Path.of(".gitignore"))).contains("docker/.env");
    }

    @Test
    void theInstanceHasAStableNameInTheLedger() {
        assertThat(environment().get("NANOBANANA_INSTANCE_ID")).isNotBlank().doesNotContain("$");
    }

    @Test
    void theVolumesAreTheFoldersTheRuntimeWrites() {
        List<String> volumes = volumesOfDockerfile();
        String ledgerFolder = config.getProperty("nanobanana.ledger.url")
                .replaceFirst("^jdbc:h2:file:(\\./)?", "").replaceFirst("/[^/]*$", "");

        assertThat(volumes).containsExactlyInAnyOrder(
                workdir + "/config",
                workdir + "/routes",
                workdir + "/" + config.getProperty("nanobanana.inbox"),
                workdir + "/" + topFolder("nanobanana.completed-dir"),
                workdir + "/" + ledgerFolder);
        assertThat(topFolder("nanobanana.failed-dir")).isEqualTo(topFolder("nanobanana.completed-dir"));
        assertThat(topFolder("nanobanana.spool-dir")).isEqualTo(topFolder("nanobanana.completed-dir"));
        List<String> mounted = new ArrayList<>();
        runtime.path("volumes").forEach(volume -> mounted.add(volume.asText().split(":")[1]));
        assertThat(mounted).containsExactlyInAnyOrderElementsOf(volumes);
    }

    @Test
    void theHealthCheckAsksForReadinessOnThePortTheImageExposes() {
        Map<String, String> environment = environmentOfDockerfile();
        String port = environment.get("CAMEL_MANAGEMENT_PORT");

        assertThat(lastInstruction("EXPOSE")).isEqualTo(port);
        assertThat(lastInstruction("HEALTHCHECK"))
                .contains("http://127.0.0.1:${CAMEL_MANAGEMENT_PORT}/observe/health/ready");
        assertThat(runtime.path("ports").get(0).asText()).endsWith(":" + port + ":" + port);
        assertThat(environment.get("JAVA_OPTS")).contains("-XX:MaxRAMPercentage=", "-XX:TieredStopAtLevel=1",
                "-XX:+UseParallelGC");
        assertThat(lastInstruction("USER")).isNotIn("root", "0");
    }

    /** The environment variable Camel's properties component reads for a key. */
    static String variableOf(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static String topFolder(String key) {
        return config.getProperty(key).split("/")[0];
    }

    static Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        runtime.path("environment").properties().forEach(e -> environment.put(e.getKey(), e.getValue().asText()));
        return environment;
    }

    static Map<String, String> environmentOfDockerfile() {
        Map<String, String> environment = new LinkedHashMap<>();
        Matcher env = Pattern.compile("(?m)^ENV (.*)$").matcher(dockerfile);
        while (env.find()) {
            Matcher pair = Pattern.compile("([A-Z_]+)=(\"[^\"]*\"|\\S+)").matcher(env.group(1));
            while (pair.find()) {
                environment.put(pair.group(1), pair.group(2).replace("\"", ""));
            }
        }
        return environment;
    }

    static List<String> volumesOfDockerfile() {
        List<String> volumes = new ArrayList<>();
        Matcher path = Pattern.compile("\"([^\"]+)\"").matcher(lastInstruction("VOLUME"));
        while (path.find()) {
            volumes.add(path.group(1));
        }
        return volumes;
    }

    static String lastInstruction(String name) {
        Matcher instruction = Pattern.compile("(?m)^" + name + " (.*)$").matcher(dockerfile);
        String last = null;
        while (instruction.find()) {
            last = instruction.group(1).trim();
        }
        assertThat(last).as(name + " in " + DOCKERFILE).isNotNull();
        return last;
    }
}
