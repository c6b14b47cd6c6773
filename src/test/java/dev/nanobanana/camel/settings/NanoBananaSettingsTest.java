package dev.nanobanana.camel.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.nanobanana.camel.runpod.PriceTable;

class NanoBananaSettingsTest {

    private final DefaultCamelContext context = new DefaultCamelContext();

    @AfterEach
    void clearSystemProperty() throws Exception {
        System.clearProperty("nanobanana.poll.deadline");
        context.close();
    }

    private NanoBananaSettings settings(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        context.getPropertiesComponent().setInitialProperties(properties);
        return NanoBananaSettings.from(context);
    }

    @Test
    void withNothingConfiguredTheDefaultsApply() {
        NanoBananaSettings settings = settings();

        assertThat(settings.endpointUrl()).isEqualTo("https://api.runpod.ai/v2/google-nano-banana-2-edit");
        assertThat(settings.concurrency()).isEqualTo(8);
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(150));
        assertThat(settings.pollDeadline()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aSystemPropertyOverridesTheConfiguration() {
        System.setProperty("nanobanana.poll.deadline", "2m30s");

        assertThat(settings("nanobanana.poll.deadline", "5m").pollDeadline()).isEqualTo(Duration.ofSeconds(150));
    }

    @Test
    void anUnusableValueIsRefusedNamingItsKey() {
        assertThatIllegalArgumentException().isThrownBy(() -> settings("nanobanana.concurrency", "lots"))
                .withMessage("nanobanana.concurrency must be a whole number of at least 1, not \"lots\"");
        assertThatIllegalArgumentException().isThrownBy(() -> settings("nanobanana.retry.max-delay", "soon"))
                .withMessage("nanobanana.retry.max-delay must be a duration such as 500, 10s or 2m, not \"soon\"");
    }

    @Test
    void everyWaitHasAnEnd() {
        for (String key : List.of("http.connect-timeout", "http.read-timeout", "poll.deadline", "ledger.lease")) {
            assertThatIllegalArgumentException().isThrownBy(() -> settings("nanobanana." + key, "0"))
                    .withMessage("nanobanana." + key + " must be a duration above zero, such as 15s");
        }
    }

    @Test
    void readinessMustBeLookedAtWhileTheProgressLineMayBeTurnedOff() {
        assertThatIllegalArgumentException().isThrownBy(() -> settings("nanobanana.health.interval", "0"))
                .withMessage("nanobanana.health.interval must be a duration above zero, such as 15s");
        assertThat(settings("nanobanana.progress.interval", "0").progressInterval()).isZero();
        assertThat(settings().healthInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings().progressInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void pricesLeftEmptyAreRunpodsListPricesAndASetPriceIsUsedInstead() {
        assertThat(settings().prices()).isEqualTo(PriceTable.RUNPOD);
        // as config/application.properties leaves them
        assertThat(settings("nanobanana.price.1k", "", "nanobanana.price.2k", "", "nanobanana.price.4k", "").prices())
                .isEqualTo(PriceTable.RUNPOD);

        PriceTable prices = settings("nanobanana.price.2k", "0.10").prices();
        assertThat(prices.priceOf("1k")).isEqualByComparingTo("0.0875");
        assertThat(prices.priceOf("2k")).isEqualByComparingTo("0.10");
        assertThat(prices.priceOf("4k")).isEqualByComparingTo("0.175");
        assertThatIllegalArgumentException().isThrownBy(() -> settings("nanobanana.price.4k", "cheap"))
                .withMessageContaining("nanobanana.price.4k");
    }

    @Test
    void theApiKeyIsNeverPrinted() {
        NanoBananaSettings settings = settings("nanobanana.api-key", "rpa_PRINTED_NEVER",
                "nanobanana.endpoint-url", "http://127.0.0.1:9/v2/x/");

        assertThat(settings.toString()).doesNotContain("rpa_PRINTED_NEVER").contains("apiKey=****");
        assertThat(settings.endpointUrl()).isEqualTo("http://127.0.0.1:9/v2/x");
    }

    @Test
    void aMalformedProxyOrAMissingTrustStoreStopsTheStartNamingTheKey() {
        assertThatIllegalArgumentException().isThrownBy(() -> settings("nanobanana.http.proxy", "proxy.corp"))
                .withMessage("nanobanana.http.proxy must be http://host:port or http://user:password@host:port, "
                             + "with a port, not \"proxy.corp\"");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings("nanobanana.http.proxy", "https://ops:Pr0xy-Pass@proxy.corp:3128"))
                .withMessage("nanobanana.http.proxy must be an http:// proxy (https:// is not supported), not "
                             + "\"https://****@proxy.corp:3128\"");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings("nanobanana.http.trust-store", "no/such/company-ca.p12"))
                .withMessageStartingWith("nanobanana.http.trust-store names ")
                .withMessageEndingWith("no/such/company-ca.p12, which is not a file this process can read");
    }

    @Test
    void aTrustStoreThatIsNotOneStopsTheStartNamingWhatToCheck(@TempDir Path dir) throws Exception {
        Path notAStore = Files.writeString(dir.resolve("ca.p12"), "-----BEGIN CERTIFICATE-----");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings("nanobanana.http.trust-store", notAStore.toString()))
                .withMessageStartingWith("nanobanana.http.trust-store (" + notAStore + ") could not be read as a "
                                         + "PKCS12 store (")
                .withMessageEndingWith("): check nanobanana.http.trust-store-type and "
                                       + "nanobanana.http.trust-store-password");
    }

    @Test
    void theProxysPasswordIsNeverPrintedAndIsASecret() {
        NanoBananaSettings settings = settings("nanobanana.http.proxy", "http://ops:Pr0xy-Pass@proxy.corp:3128",
                "nanobanana.http.trust-store-password", "store-pass-9");

        assertThat(settings.egress().proxy()).isEqualTo(new ProxyUrl("proxy.corp", 3128, "ops", "Pr0xy-Pass",
                "nanobanana.http.proxy"));
        assertThat(settings.egress().toString()).doesNotContain("Pr0xy-Pass").contains("proxy.corp:3128");
        assertThat(KnownSecrets.of(settings).mask("Proxy-Authorization for ops:Pr0xy-Pass, store store-pass-9"))
                .isEqualTo("Proxy-Authorization for ops:****, store ****");
    }
}
