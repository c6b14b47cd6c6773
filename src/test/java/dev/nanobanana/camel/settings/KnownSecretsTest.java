package dev.nanobanana.camel.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Which values are masked as secrets, and where in a text or a record. */
class KnownSecretsTest {

    @Test
    void theStatusTokenAndAPasswordWrittenInTheLedgersUrlAreSecretsToo() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties properties = new Properties();
            properties.setProperty("nanobanana.status.token", "token-5e2d1c");
            properties.setProperty("nanobanana.ledger.url",
                    "jdbc:postgresql://db.example/ledger?user=nb&password=pg-pass-7a1&ssl=true");
            context.getPropertiesComponent().setInitialProperties(properties);

            KnownSecrets secrets = KnownSecrets.of(NanoBananaSettings.from(context));

            assertThat(secrets.mask("token token-5e2d1c, password pg-pass-7a1"))
                    .isEqualTo("token ****, password ****");
        }
    }

    @Test
    void anH2UrlsPasswordIsASecretAndValuesShorterThanFourCharactersAreNot() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties properties = new Properties();
            properties.setProperty("nanobanana.ledger.url", "jdbc:h2:file:./state/ledger;PASSWORD=h2-pass-31;MODE=X");
            properties.setProperty("nanobanana.sftp.password", "abc");
            context.getPropertiesComponent().setInitialProperties(properties);

            KnownSecrets secrets = KnownSecrets.of(NanoBananaSettings.from(context));

            assertThat(secrets.mask("h2-pass-31 about abc")).isEqualTo("**** about abc");
        }
    }

    @Test
    void everyTextOfARecordIsMaskedItsNamesIncluded() throws Exception {
        KnownSecrets secrets = new KnownSecrets(List.of("rpa_KEY0001"));
        JsonNode record = new ObjectMapper().readTree("""
                {"reason": "bad key rpa_KEY0001", "detail": {"rpa_KEY0001": ["x rpa_KEY0001 y", 3]}}""");

        assertThat(secrets.mask(record).toString())
                .isEqualTo("{\"reason\":\"bad key ****\",\"detail\":{\"****\":[\"x **** y\",3]}}");
    }
}
