package io.chainmesh.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chainmesh.core.ChainException;
import io.chainmesh.core.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class BodyMemoryTest {
  private static final int KIB = 1024;

  private static InputStream bytes(int n) {
    return new ByteArrayInputStream(new byte[n]);
  }

  /** A body nobody may read: the refusal must come from the declared length alone. */
  private static final InputStream UNREADABLE = new InputStream() {
    @Override
    public int read() {
      throw new AssertionError("the body was read");
    }
  };

  @Test
  void declaredLengthOverTheLimitIsRefusedBeforeAByteIsRead() {
    BodyMemory memory = BodyMemory.ofCapacity(10 * KIB * KIB);

    ChainException e = assertThrows(ChainException.class, () -> memory.read(UNREADABLE, 2 * KIB, KIB));

    assertEquals(Reason.LIMITS_BODY, e.reason());
    assertEquals(0, memory.held());
  }

  @Test
  void declaredBodyIsHeldUntilClosedAndGivenBackOnce() throws IOException {
    BodyMemory memory = BodyMemory.ofCapacity(KIB * KIB);

    BodyMemory.Held held = memory.read(new ByteArrayInputStream(new byte[] {1, 2, 3}), 3, KIB);
    assertArrayEquals(new byte[] {1, 2, 3}, held.bytes());
    assertEquals(3, memory.held());
    held.close();
    held.close();

    assertEquals(0, memory.held());
  }

  @Test
  void bodyEndingBeforeItsDeclaredLengthIsMalformedAndHoldsNothing() {
    BodyMemory memory = BodyMemory.ofCapacity(KIB * KIB);

    ChainException e = assertThrows(ChainException.class, () -> memory.read(bytes(10), 20, KIB));

    assertEquals(Reason.BODY_MALFORMED, e.reason());
    assertEquals(0, memory.held());
  }

  @Test
  void bodyOfUnknownLengthOverTheLimitIsRefusedAndHoldsNothing() {
    BodyMemory memory = BodyMemory.ofCapacity(KIB * KIB);

    ChainException e = assertThrows(ChainException.class, () -> memory.read(bytes(100 * KIB + 1), -1, 100 * KIB));

    assertEquals(Reason.LIMITS_BODY, e.reason());
    assertEquals(0, memory.held());
  }

  @Test
  void fullBudgetRefusesWith503UntilABodyIsGivenBack() throws IOException {
    BodyMemory memory = BodyMemory.ofCapacity(100 * KIB);
    BodyMemory.Held first = memory.read(bytes(60 * KIB), 60 * KIB, 100 * KIB);

    ChainException e = assertThrows(ChainException.class, () -> memory.read(bytes(60 * KIB), 60 * KIB, 100 * KIB));
    assertEquals(Reason.HOP_UNAVAILABLE, e.reason());
    first.close();

    try (BodyMemory.Held second = memory.read(bytes(60 * KIB), 60 * KIB, 100 * KIB)) {
      assertEquals(60 * KIB, memory.held());
    }
  }

  @Test
  void largeBodiesLeaveAQuarterOfTheBudgetToSmallOnes() throws IOException {
    BodyMemory memory = BodyMemory.ofCapacity(400 * KIB);
    BodyMemory.Held a = memory.read(bytes(100 * KIB), 100 * KIB, 400 * KIB);
    BodyMemory.Held b = memory.read(bytes(100 * KIB), 100 * KIB, 400 * KIB);

    ChainException large = assertThrows(ChainException.class,
        () -> memory.read(bytes(65 * KIB), 65 * KIB, 400 * KIB));
    assertEquals(Reason.HOP_UNAVAILABLE, large.reason(), "large bodies may hold three quarters between them");
    try (BodyMemory.Held small = memory.read(bytes(64 * KIB), 64 * KIB, 400 * KIB);
        BodyMemory.Held chunked = memory.read(bytes(10 * KIB), -1, 400 * KIB)) {
      assertEquals(200 * KIB + 74 * KIB, memory.held());
    }
    a.close();
    b.close();
    assertEquals(0, memory.held());
  }

  @Test
  void declaredBodyLargerThanLargeBodiesMayEverHoldIsTooLargeNotUnavailable() {
    BodyMemory memory = BodyMemory.ofCapacity(400 * KIB);

    ChainException e = assertThrows(ChainException.class, () -> memory.read(UNREADABLE, 301 * KIB, 1024 * KIB));

    assertEquals(Reason.LIMITS_BODY, e.reason());
  }

  @Test
  void largeDeclaredBodyIsReservedAsItArrivesNotWhenDeclared() throws IOException {
    BodyMemory memory = BodyMemory.ofCapacity(KIB * KIB);
    try (BodyMemory.Held other = memory.read(bytes(300 * KIB), 300 * KIB, KIB * KIB)) {
      // 500 KiB declared would not fit beside 300 KiB in the 768 KiB large bodies may hold; only
      // what arrives is reserved.
      ChainException e = assertThrows(ChainException.class, () -> memory.read(bytes(10 * KIB), 500 * KIB, KIB * KIB));

      assertEquals(Reason.BODY_MALFORMED, e.reason(), "refused for ending early, not for the budget");
      assertEquals(300 * KIB, memory.held());
    }
  }
}
