package io.chainmesh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReasonTest {
  @Test
  void codesAreUnique() {
    Set<String> codes = new HashSet<>();
    for (Reason r : Reason.values()) {
      assertTrue(codes.add(r.code()), r.code());
    }
  }

  @ParameterizedTest
  @EnumSource(Reason.class)
  void codesAreDottedLowerCase(Reason reason) {
    assertTrue(reason.code().matches("[a-z_]+\\.[a-z_]+"), reason.code());
  }

  @ParameterizedTest
  @EnumSource(Reason.class)
  void fromCodeFindsEveryReasonAndToStringIsTheCode(Reason reason) {
    assertEquals(Optional.of(reason), Reason.fromCode(reason.code()));
    assertEquals(reason.code(), reason.toString());
  }

  @Test
  void fromCodeOfANewerPeersCodeIsEmpty() {
    assertEquals(Optional.empty(), Reason.fromCode("segment.teleported"));
  }

  @Test
  void statusesFollowTheBrief() {
    assertEquals(400, Reason.DESCRIPTOR_MALFORMED.httpStatus());
    assertEquals(431, Reason.DESCRIPTOR_TOO_LARGE.httpStatus());
    assertEquals(401, Reason.INTEGRITY_BAD_MAC.httpStatus());
    assertEquals(508, Reason.HOP_LIMIT_EXCEEDED.httpStatus());
    assertEquals(502, Reason.SEGMENT_UNRESOLVABLE.httpStatus());
    assertEquals(504, Reason.DEADLINE_EXCEEDED.httpStatus());
    assertEquals(413, Reason.LIMITS_BODY.httpStatus());
    assertEquals(409, Reason.SEGMENT_ALREADY_SERVED.httpStatus());
  }
}
