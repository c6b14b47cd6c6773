package dev.nanobanana.camel.runpod;

import java.math.BigDecimal;

/**
 * What RunPod charges for one image, in USD, by resolution: the price a job is counted at against the budget from the
 * moment it is submitted until RunPod says what it cost, and what a dry run prices it at.
 */
public record PriceTable(BigDecimal usd1k, BigDecimal usd2k, BigDecimal usd4k) {

    /** RunPod's list prices for Nano Banana 2 Edit (docs/runpod-api.md); what {@code nanobanana.price.*} is when left empty. */
    public static final PriceTable RUNPOD = new PriceTable(new BigDecimal("0.0875"), new BigDecimal("0.13"),
            new BigDecimal("0.175"));

    public BigDecimal priceOf(Resolution resolution) {
        return switch (resolution) {
            case ONE_K -> usd1k;
            case TWO_K -> usd2k;
            case FOUR_K -> usd4k;
        };
    }

    /** The price of a job of this resolution ({@code 1k}, {@code 2k} or {@code 4k}, as validated). */
    public BigDecimal priceOf(String resolution) {
        return priceOf(Resolution.fromWireName(resolution)
                .orElseThrow(() -> new IllegalArgumentException("no price for resolution \"" + resolution + "\"")));
    }
}
