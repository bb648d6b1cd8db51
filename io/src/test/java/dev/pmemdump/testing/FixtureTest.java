package dev.pmemdump.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Test tier {@code fixture}: Reads the real-kernel fixtures under {@code fixtures/} (no external
 * program). Runs in {@code mvn test}.
 * On a class it tags every test; on a method of a faster class it moves that test to its tier.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("fixture")
public @interface FixtureTest {}
