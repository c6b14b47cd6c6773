package dev.nanobanana.camel.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import dev.nanobanana.camel.ledger.Spending;

/** What was spent, per day and source and per source, as --costs prints it and as an HTTP endpoint serves it. */
class CostReportTest {

    static final LocalDate FRIDAY = LocalDate.parse("2026-03-13");
    static final LocalDate SATURDAY = FRIDAY.plusDays(1);

    final CostReport report = CostReport.of(new Spending(List.of(
            new Spending.DailyCost(FRIDAY, "inbox", 2, new BigDecimal("0.2175")),
            new Spending.DailyCost(FRIDAY, "s3-inbox", 1, new BigDecimal("0.175")),
            new Spending.DailyCost(SATURDAY, "inbox", 3, new BigDecimal("0.3925"))),
            1, new BigDecimal("0.13")), FRIDAY, SATURDAY);

    @Test
    void eachSourceSumsItsDays() {
        assertThat(report.sources()).extracting(CostReport.SourceCost::source, CostReport.SourceCost::jobs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("inbox", 5L),
                        org.assertj.core.groups.Tuple.tuple("s3-inbox", 1L));
        assertThat(report.sources().get(0).costUsd()).isEqualByComparingTo("0.61");
        assertThat(report.totalUsd()).isEqualByComparingTo("0.785");
        assertThat(report.jobs()).isEqualTo(6);
    }

    @Test
    void theTableShowsDaysSourcesTheTotalAndWhatIsInFlight() {
        assertThat(report.table())
                .contains("Spent from 2026-03-13 to 2026-03-14 (UTC days)")
                .containsPattern("2026-03-13 +inbox +2 +0\\.2175")
                .containsPattern("2026-03-13 +s3-inbox +1 +0\\.175")
                .containsPattern("2026-03-14 +inbox +3 +0\\.3925")
                .containsPattern("\ninbox +5 +0\\.61\n")
                .containsPattern("\ntotal +6 +0\\.785\n")
                .contains("In flight (submitted, cost not known yet): 1 job(s), 0.13 USD at their price");
    }

    @Test
    void theJsonFormNamesEveryFigure() throws Exception {
        JsonNode json = new ObjectMapper().readTree(report.json());

        assertThat(json.fieldNames()).toIterable().containsExactlyInAnyOrder("firstDay", "lastDay", "days", "sources",
                "totalUsd", "jobsInFlight", "inFlightUsd");
        assertThat(json.get("firstDay").asText()).isEqualTo("2026-03-13");
        assertThat(json.at("/days/2/day").asText()).isEqualTo("2026-03-14");
        assertThat(json.at("/days/1/source").asText()).isEqualTo("s3-inbox");
        assertThat(json.at("/days/1/costUsd").decimalValue()).isEqualByComparingTo("0.175");
        assertThat(json.at("/sources/0/costUsd").decimalValue()).isEqualByComparingTo("0.61");
        assertThat(json.get("totalUsd").decimalValue()).isEqualByComparingTo("0.785");
        assertThat(json.get("jobsInFlight").asLong()).isOne();
        assertThat(json.get("inFlightUsd").decimalValue()).isEqualByComparingTo("0.13");
    }
}
