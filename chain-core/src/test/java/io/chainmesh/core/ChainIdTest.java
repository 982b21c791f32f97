package io.chainmesh.core;

import static io.chainmesh.core.Fixtures.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ChainIdTest {
  private static final String HEX = "0af7651916cd43dd8448eb211c80319c";

  @Test
  void hexAndBytesRoundTrip() {
    ChainId id = ChainId.fromHex(HEX);

    assertEquals(HEX, id.toHex());
    assertEquals(HEX, id.toString());
    assertArrayEquals(HexFormat.of().parseHex(HEX), id.toBytes());
    assertEquals(id, ChainId.fromBytes(id.toBytes()));
  }

  @Test
  void readsUpperCaseHexAndWritesLowerCase() {
    assertEquals(HEX, ChainId.fromHex(HEX.toUpperCase()).toHex());
  }

  @Test
  void refusesHexOfTheWrongLength() {
    refused(Reason.DESCRIPTOR_MALFORMED, "chainId", () -> ChainId.fromHex(HEX.substring(1)));
  }

  @Test
  void refusesNonHexCharacters() {
    refused(Reason.DESCRIPTOR_MALFORMED, "chainId", () -> ChainId.fromHex("g" + HEX.substring(1)));
  }

  @Test
  void refusesDigitsOutsideAscii() {
    refused(Reason.DESCRIPTOR_MALFORMED, "chainId", () -> ChainId.fromHex("\uFF10" + HEX.substring(1)));
    refused(Reason.DESCRIPTOR_MALFORMED, "chainId", () -> ChainId.fromHex("\u0660" + HEX.substring(1)));
  }

  @Test
  void refusesBytesOfTheWrongLength() {
    refused(Reason.DESCRIPTOR_MALFORMED, "chainId", () -> ChainId.fromBytes(new byte[17]));
  }

  @Test
  void toBytesReturnsAFreshArray() {
    ChainId id = ChainId.fromHex(HEX);
    id.toBytes()[0] = 0;

    assertEquals(HEX, id.toHex());
  }

  @Test
  void randomIdsDiffer() {
    assertNotEquals(ChainId.random(), ChainId.random());
  }
}
