package dev.nanobanana.camel.observe;

import java.util.function.IntSupplier;

/**
 * Where the pipeline's jobs are now, as the gauges and the progress line read it.
 *
 * @param holdingSlots jobs that hold a slot: in flight, or waiting for the budget with the slot they took
 * @param waitingForSlot jobs waiting for a slot
 * @param waitingForBudget jobs the budget cap holds back, unsent
 * @param limit the limit on jobs in flight now
 */
public record JobQueue(IntSupplier holdingSlots, IntSupplier waitingForSlot, IntSupplier waitingForBudget,
        IntSupplier limit) {
}
