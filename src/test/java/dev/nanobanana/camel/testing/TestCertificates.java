package dev.nanobanana.camel.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CA of the test's own and a certificate it issued for 127.0.0.1, made with the JDK's keytool as a company's
 * TLS-inspecting proxy would have them: {@link #serverKeyStore} for the server that shows the certificate, and
 * {@link #trustStore}, a PKCS12 store holding the CA alone, for the client that should trust it.
 */
public record TestCertificates(Path serverKeyStore, Path trustStore, String password) {

    public static final String CA_NAME = "CN=Test Inspecting Proxy CA,O=Example Corp";
    public static final String SERVER_NAME = "CN=127.0.0.1";

    public static TestCertificates issue(Path dir) throws IOException, InterruptedException {
        String password = "changeit-" + Long.toHexString(System.nanoTime());
        Path ca = dir.resolve("ca.p12");
        Path server = dir.resolve("server.p12");
        Path trust = dir.resolve("company-trust.p12");
        String csr = dir.resolve("server.csr").toString();
        String serverCert = dir.resolve("server.crt").toString();
        String caCert = dir.resolve("ca.crt").toString();
        keytool(password, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", CA_NAME,
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
        keytool(password, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname",
                SERVER_NAME, "-validity", "2", "-keystore", server.toString());
        keytool(password, "-certreq", "-alias", "server", "-keystore", server.toString(), "-file", csr);
        keytool(password, "-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr, "-outfile",
                serverCert, "-ext", "san=ip:127.0.0.1", "-rfc", "-validity", "2");
        keytool(password, "-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-rfc", "-file", caCert);
        keytool(password, "-importcert", "-alias", "ca", "-file", caCert, "-keystore", server.toString(), "-noprompt");
        keytool(password, "-importcert", "-alias", "server", "-file", serverCert, "-keystore", server.toString());
        keytool(password, "-importcert", "-alias", "company-ca", "-file", caCert, "-keystore", trust.toString(),
                "-noprompt");
        return new TestCertificates(server, trust, password);
    }

    private static void keytool(String password, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", password));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + arguments[0] + " failed: " + output);
        }
    }
}
