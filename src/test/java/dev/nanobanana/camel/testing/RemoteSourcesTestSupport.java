package dev.nanobanana.camel.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import dev.nanobanana.camel.source.FileClaims;
import dev.nanobanana.camel.pipeline.LedgerClerk;
import dev.nanobanana.camel.s3.NanoBananaS3Routes;
import dev.nanobanana.camel.pipeline.NanoBananaErrorHandling;
import dev.nanobanana.camel.pipeline.NanoBananaRoutes;
import dev.nanobanana.camel.source.RoutesFolderTest;
import dev.nanobanana.camel.pipeline.PipelineBeans;

/**
 * The pipeline with job files from a real S3 store and a real SFTP server in the test's JVM, wired by the route files
 * under {@code routes/} exactly as the runtime loads them.
 */
public abstract class RemoteSourcesTestSupport extends PipelineTestSupport {

    public static final String BUCKET = "partner-bucket";

    public static S3TestServer s3;
    public static SftpTestServer sftp;
    public static Path sftpRoot;

    @BeforeAll
    public static void startServers() throws Exception {
        s3 = S3TestServer.start();
        sftp = SftpTestServer.start(Files.createTempDirectory("sftp"));
        sftpRoot = sftp.root();
    }

    @AfterAll
    public static void stopServers() {
        s3.close();
        sftp.close();
    }

    @Override
    public Properties settings() {
        Properties p = super.settings();
        p.putAll(RoutesFolderTest.s3Settings(s3, BUCKET));
        p.setProperty("nanobanana.sftp.enabled", "true");
        p.setProperty("nanobanana.sftp.host", "127.0.0.1");
        p.setProperty("nanobanana.sftp.port", Integer.toString(sftp.port()));
        p.setProperty("nanobanana.sftp.username", sftp.username());
        p.setProperty("nanobanana.sftp.password", sftp.password());
        p.setProperty("nanobanana.sftp.known-hosts-file", sftp.knownHostsFile().toString());
        p.setProperty("nanobanana.sftp.settle-time", "1s");
        // a ledger that other instances share, as remote sources are shared: H2's mixed mode lets other processes
        // open the file, so the file claims live in its database, where anotherInstancesClaims() takes them too
        // (one process alone on an H2 file keeps them in memory: FileClaimsPlaceTest)
        p.setProperty("nanobanana.ledger.url", p.getProperty("nanobanana.ledger.url") + ";AUTO_SERVER=TRUE");
        return p;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] { new NanoBananaErrorHandling(), new NanoBananaRoutes(), new NanoBananaS3Routes() };
    }

    @BeforeEach
    public void freshBucketAndServerFolders() throws Exception {
        s3.createBucket(BUCKET);
        for (String key : s3.keys(BUCKET, "")) {
            s3.delete(BUCKET, key);
        }
        org.apache.camel.util.FileUtil.removeDir(sftpRoot.resolve("inbox").toFile());
        org.apache.camel.util.FileUtil.removeDir(sftpRoot.resolve("out").toFile());
        Files.createDirectories(sftpRoot.resolve("inbox"));
    }

    /** Loads a route file as a user has it, or as edited. */
    public void loadRoutes(String name, String yaml) throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString(name, yaml));
    }

    public static String routeFile(String name) throws Exception {
        return Files.readString(Path.of("routes", name));
    }

    /**
     * The file claims of another instance on the same ledger database, as it holds them while it works on a file.
     * Stopped with the test's context.
     */
    public IdempotentRepository anotherInstancesClaims() throws Exception {
        LedgerClerk clerk = PipelineBeans.in(context).clerk();
        IdempotentRepository claims = FileClaims.repository(clerk.ledger().dataSource(), context, "nanobanana-files",
                Duration.ofSeconds(5), Duration.ofSeconds(30));
        context.addService(claims, true, true);
        return claims;
    }

    /** Uploads a job file as a partner would: written under a temporary name, then renamed. */
    public void upload(String name, String content) throws Exception {
        Path staged = Files.writeString(sftpRoot.resolve("inbox").resolve("." + name + ".part"), content);
        Files.move(staged, sftpRoot.resolve("inbox").resolve(name));
    }
}
