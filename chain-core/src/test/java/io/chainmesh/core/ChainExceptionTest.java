package io.chainmesh.core;

import static io.chainmesh.core.Fixtures.codec;
import static io.chainmesh.core.Fixtures.minimalMessage;
import static io.chainmesh.core.Fixtures.refused;
import static io.chainmesh.core.Fixtures.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.core.internal.Excerpt;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ChainExceptionTest {
  private static final String TOO_LONG = "z".repeat(Excerpt.MAX_CHARS + 1);

  @Test
  void messageIsCodeDetailAndField() {
    ChainException e = ChainException.atField(Reason.SEGMENT_INVALID_NAME, "segments[2].service", "bad name");

    assertEquals("segment.invalid_name: bad name (at segments[2].service)", e.getMessage());
    assertEquals(Reason.SEGMENT_INVALID_NAME, e.reason());
    assertEquals(Optional.of("segments[2].service"), e.field());
    assertEquals(OptionalInt.empty(), e.offset());
    assertEquals("bad name", e.detail());
  }

  @Test
  void messageNamesTheOffset() {
    ChainException e = ChainException.atOffset(Reason.DESCRIPTOR_MALFORMED, 7, "bad character");

    assertEquals("descriptor.malformed: bad character (at offset 7)", e.getMessage());
    assertEquals(OptionalInt.of(7), e.offset());
    assertEquals(Optional.empty(), e.field());
  }

  @Test
  void messageWithoutLocationIsCodeAndDetail() {
    ChainException e = ChainException.of(Reason.DESCRIPTOR_EXPIRED, "expired 3 ms ago");

    assertEquals("descriptor.expired: expired 3 ms ago", e.getMessage());
    assertEquals(Optional.empty(), e.field());
    assertEquals(OptionalInt.empty(), e.offset());
  }

  @Test
  void underPlacesTheFieldBelowAPrefix() {
    ChainException e = ChainException.atField(Reason.SEGMENT_INVALID_NAME, "service", "bad name");

    ChainException moved = e.under("segments[2]");

    assertEquals(Optional.of("segments[2].service"), moved.field());
    assertEquals(Reason.SEGMENT_INVALID_NAME, moved.reason());
    assertEquals("bad name", moved.detail());
    assertEquals("segment.invalid_name: bad name (at segments[2].service)", moved.getMessage());
    assertEquals(Optional.of("service"), e.field());
  }

  @Test
  void underWithoutFieldMakesThePrefixTheField() {
    ChainException moved = ChainException.of(Reason.DESCRIPTOR_MALFORMED, "broken").under("route[0]");

    assertEquals(Optional.of("route[0]"), moved.field());
  }

  @Test
  void underKeepsOffsetAndCause() {
    IOException cause = new IOException("internal detail");
    ChainException withCause = ChainException.caused(Reason.DESCRIPTOR_MALFORMED, "broken", cause);
    ChainException withOffset = ChainException.atOffset(Reason.DESCRIPTOR_MALFORMED, 3, "broken");

    assertSame(cause, withCause.under("x").getCause());
    assertEquals(OptionalInt.of(3), withOffset.under("x").offset());
  }

  @Test
  void causedKeepsTheCauseOutOfTheMessage() {
    ChainException e = ChainException.caused(Reason.HANDLER_FAILED, "the handler failed",
        new IllegalStateException("db password=hunter2"));

    assertEquals("handler.failed: the handler failed", e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"));
    assertTrue(e.getCause() instanceof IllegalStateException);
  }

  @Test
  void segmentRefusalQuotesOnlyACappedExcerptOfTheName() {
    ChainException e = refused(Reason.SEGMENT_INVALID_NAME, () -> Segment.of("Z" + TOO_LONG.repeat(10)));

    assertFalse(e.getMessage().contains(TOO_LONG), e.getMessage());
    assertTrue(e.getMessage().contains("..."), e.getMessage());
  }

  @Test
  void unknownKeyRefusalQuotesOnlyACappedExcerptOfTheKeyId() {
    String header = Fixtures.signed(Fixtures.SECRET_2, TOO_LONG.repeat(3), minimalMessage().build().toByteArray());

    ChainException e = refused(Reason.INTEGRITY_UNKNOWN_KEY, () -> codec().decode(header));
    assertFalse(e.getMessage().contains(TOO_LONG), e.getMessage());
  }

  @Test
  void urlRefusalQuotesOnlyACappedExcerptOfTheUrl() {
    String header = signed(minimalMessage().clearSegments()
        .addSegments(io.chainmesh.core.internal.proto.Segment.newBuilder().setUrl("gopher://" + TOO_LONG)).build());

    ChainException e = refused(Reason.SEGMENT_INVALID_NAME, () -> codec().decode(header));
    assertFalse(e.getMessage().contains(TOO_LONG), e.getMessage());
  }

  @Test
  void refusalEscapesControlCharactersOfTheInput() {
    ChainException e = refused(Reason.METADATA_INVALID_KEY,
        () -> Segment.builder("a").argument("x\r\nSet-Cookie: y", "v").build());

    assertFalse(e.getMessage().contains("\r") || e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("\\u000d\\u000a"), e.getMessage());
  }

  @Test
  void decodeRefusalNeverQuotesTheHeader() {
    String header = "A".repeat(100) + "*" + "A".repeat(99);

    ChainException e = refused(Reason.DESCRIPTOR_MALFORMED, () -> codec().decode(header));
    assertFalse(e.getMessage().contains("AAAAAAAA"), e.getMessage());
    assertEquals(OptionalInt.of(100), e.offset());
  }
}
