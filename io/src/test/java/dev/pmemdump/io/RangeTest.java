package dev.pmemdump.io;

import dev.pmemdump.testing.UnitTest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@UnitTest
class RangeTest {
    @Test
    void inclusiveNotationConvertsAtTheEdge() {
        Range r = Range.ofInclusive(0x100000, 0xeffffff);
        assertEquals(0xf000000L, r.end());
        assertEquals(0xeffffffL, r.inclusiveEnd());
        assertEquals(0xef00000L, r.length());
        assertThrows(ArithmeticException.class, () -> Range.ofInclusive(0, Long.MAX_VALUE));
        assertThrows(ArithmeticException.class, () -> Range.ofLength(1, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> new Range(5, 4));
        assertThrows(IllegalStateException.class, () -> new Range(5, 5).inclusiveEnd());
    }

    @Test
    void overlapIsHalfOpen() {
        Range a = new Range(0x10, 0x20);
        assertFalse(a.overlaps(new Range(0x20, 0x30)));
        assertTrue(a.overlaps(new Range(0x1f, 0x30)));
        assertTrue(a.contains(0x1f));
        assertFalse(a.contains(0x20));
        assertEquals(new Range(0x18, 0x20), a.intersect(new Range(0x18, 0x40)));
        assertTrue(a.intersect(new Range(0x30, 0x40)).isEmpty());
    }

    @Test
    void scaleOutCoversPartialPages() {
        // 0x1000-0x9fc00 in bytes touches pfns 1..0x9f
        assertEquals(new Range(1, 0xa0), new Range(0x1000, 0x9fc00).scaleOut(4096));
        assertEquals(new Range(1, 0x9f), new Range(0x1000, 0x9f000).scaleOut(4096));
    }

    @Test
    void normalizeAndMinus() {
        List<Range> n = Range.normalize(List.of(new Range(30, 40), new Range(0, 10), new Range(10, 15),
                new Range(5, 7), new Range(50, 50)));
        assertEquals(List.of(new Range(0, 15), new Range(30, 40)), n);
        List<Range> m = Range.minus(List.of(new Range(0, 100)), List.of(new Range(10, 20), new Range(15, 30),
                new Range(90, 120)));
        assertEquals(List.of(new Range(0, 10), new Range(30, 90)), m);
    }
}
