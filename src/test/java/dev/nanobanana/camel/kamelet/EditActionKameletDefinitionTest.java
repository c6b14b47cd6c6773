package dev.nanobanana.camel.kamelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kamelet as a catalog, Camel JBang or Camel K reads it (the built one, with its version filled in): every
 * parameter described, the API key a secret, the dependencies declared.
 */
class EditActionKameletDefinitionTest {

    static JsonNode kamelet;

    @BeforeAll
    static void read() throws Exception {
        try (InputStream in = EditActionKameletDefinitionTest.class
                .getResourceAsStream("/kamelets/nano-banana-edit-action.kamelet.yaml")) {
            kamelet = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    @Test
    void itIsAnActionKameletNamedAfterItsFile() {
        assertThat(kamelet.path("kind").asText()).isEqualTo("Kamelet");
        assertThat(kamelet.path("apiVersion").asText()).isEqualTo("camel.apache.org/v1");
        assertThat(kamelet.at("/metadata/name").asText()).isEqualTo("nano-banana-edit-action");
        assertThat(kamelet.at("/metadata/labels").path("camel.apache.org/kamelet.type").asText()).isEqualTo("action");
    }

    @Test
    void everyParameterHasATitleADescriptionAndATypeAndEachIsOptionalInTheTemplate() {
        JsonNode properties = kamelet.at("/spec/definition/properties");
        String bean = kamelet.at("/spec/template/beans/0/properties").toString();

        assertThat(properties.size()).isEqualTo(4);
        properties.properties().forEach(parameter -> {
            assertThat(parameter.getValue().path("title").asText()).as(parameter.getKey()).isNotBlank();
            assertThat(parameter.getValue().path("description").asText()).as(parameter.getKey()).isNotBlank();
            assertThat(parameter.getValue().path("type").asText()).as(parameter.getKey()).isEqualTo("string");
            assertThat(bean).contains("{{?" + parameter.getKey() + "}}");
        });
        assertThat(kamelet.at("/spec/definition/required")).isEmpty();
    }

    @Test
    void theApiKeyIsASecret() {
        JsonNode apiKey = kamelet.at("/spec/definition/properties/apiKey");

        assertThat(apiKey.path("format").asText()).isEqualTo("password");
        assertThat(apiKey.path("x-descriptors").toString())
                .contains("urn:alm:descriptor:com.tectonic.ui:password", "urn:camel:group:credentials");
    }

    @Test
    void itDeclaresTheLibraryOfThisVersionAmongItsDependencies() {
        assertThat(kamelet.at("/spec/dependencies").toString())
                .contains("\"camel:kamelet\"", "\"camel:core\"", "\"mvn:dev.nanobanana:nano-banana-camel:")
                .doesNotContain("${project.version}");
        assertThat(kamelet.at("/spec/template/beans/0/type").asText())
                .isEqualTo("#class:" + EditAction.class.getName());
    }
}
