package dev.pmemdump.filter.request;

/**
 * One run of the filter, typed by mode: what makedumpfile's command line asks for, or what a caller
 * (a test, {@code pmemdump verify}) builds directly. {@code Filter.run} takes it and returns the
 * run's result.
 */
public sealed interface FilterRequest permits DumpRequest, MinidumpRequest, DmesgRequest, RearrangeRequest,
        ReassembleRequest {
}
