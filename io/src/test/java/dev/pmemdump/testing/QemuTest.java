package dev.pmemdump.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Test tier {@code qemu}: Boots a QEMU guest (slow, TCG). Runs in the integration-test phase
 * ({@code mvn verify}).
 * On a class it tags every test; on a method of a faster class it moves that test to its tier.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("qemu")
public @interface QemuTest {}
