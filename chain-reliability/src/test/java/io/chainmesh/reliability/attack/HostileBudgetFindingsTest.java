package io.chainmesh.reliability.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chainmesh.core.KeyRing;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.reliability.faults.LoopbackDomain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Findings of an outside review of the first fixes for issue 13 (memory budget, published keys), each
 * written as the behaviour the docs promise: head-only uploads filled the budget, a client that never
 * read its answer held it forever, and HMAC-equivalent forms of a published key were accepted. All
 * three failed then and pass now.
 */
class HostileBudgetFindingsTest {
  private static final String CATALOGUE = """
      services: [alpha]
      chains:
        - name: a
          match: POST /a
          segments: [alpha]
      """;

  private static String head(long contentLength) {
    return "POST /a HTTP/1.1\r\nHost: edge\r\nContent-Type: text/plain\r\nContent-Length: " + contentLength + "\r\n\r\n";
  }

  /**
   * A declared {@code Content-Length} reserves the whole declared size before a byte arrives, and the
   * reservation lasts until {@code maxReqTime} (30 s in production). So ceil(budget / max body)
   * connections that send only their head (the last one declaring just what is left) fill the budget,
   * and every honest request with a body is refused 503 for as long as the attacker keeps reconnecting.
   * Against the standalone edge at -Xmx384m (budget 96 MiB, body limit 16 MiB): six connections, zero
   * body bytes. {@code EdgeMemoryAttackTest} misses it because its eight uploads all declare the same
   * size, which leaves half a MiB free for the honest client.
   */
  @Test
  void headOnlyUploadsDeclaringTheBudgetDoNotLockHonestClientsOut() throws IOException {
    int maxBody = 1 << 20;
    long budget = maxBody * 9L / 2;
    try (LoopbackDomain domain = new LoopbackDomain()) {
      domain.hop("alpha", new TargetFunctions.Alpha(new Invocations()));
      ChainEdge edge = domain.edge(CATALOGUE, b -> b.maxBodyBytes(maxBody).maxBodyMemory(budget));
      List<RawHttp.Stalled> uploads = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          uploads.add(RawHttp.Stalled.start(edge.uri(), head(maxBody), new byte[0]));
        }
        uploads.add(RawHttp.Stalled.start(edge.uri(), head(budget - 4L * maxBody), new byte[0]));
        // A declared body is reserved as it arrives: each holds only the first slice of its array.
        LoopbackDomain.await(() -> edge.stats().bodyBytesHeld() == 5 * 64 * 1024L,
            () -> "the head-only uploads hold " + edge.stats().bodyBytesHeld() + " of " + budget);

        LoopbackDomain.Answer honest = domain.post(edge, "/a", "honest");

        assertEquals(200, honest.status(), "5 connections that sent no body byte lock an honest client out: " + honest);
      } finally {
        for (RawHttp.Stalled upload : uploads) {
          upload.close();
        }
      }
    }
  }

  /**
   * The edge writes an answer with the JDK server, which has no time limit on writing a response
   * ({@code sun.net.httpserver.maxRspTime} is not set): a client that asks for a large answer (an echo
   * chain and a large upload) and never reads it holds the answer's bytes in the budget, and a request
   * thread, forever. On the standalone edge at -Xmx384m, three to six such clients with 8 MB bodies
   * filled the budget or killed the process with OutOfMemoryError: the JDK's write path copies the
   * answer into a buffer of twice its size that the budget does not count.
   */
  @Test
  void clientThatNeverReadsALargeAnswerDoesNotHoldTheBudgetForever() throws IOException {
    int maxBody = 12 << 20;
    try (LoopbackDomain domain = new LoopbackDomain()) {
      domain.hop("alpha", new TargetFunctions.Alpha(new Invocations()));
      ChainEdge edge = domain.edge(CATALOGUE, b -> b.maxBodyBytes(maxBody).maxBodyMemory(4L * maxBody));
      byte[] body = new byte[10 << 20];
      Arrays.fill(body, (byte) 'x');
      try (Socket client = new Socket()) {
        client.setReceiveBufferSize(4096);
        client.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), edge.uri().getPort()));
        client.getOutputStream().write(head(body.length).getBytes(StandardCharsets.ISO_8859_1));
        client.getOutputStream().write(body);
        client.getOutputStream().flush();
        LoopbackDomain.await(() -> edge.stats().bodyBytesHeld() > 0, () -> "the echo chain never answered");
        // Longer than the request time limit of this module's JVM (10 s): the write must have a limit too.
        LoopbackDomain.await(Duration.ofSeconds(25), () -> edge.stats().bodyBytesHeld() == 0,
            () -> "a client that does not read its answer still holds " + edge.stats().bodyBytesHeld()
                + " bytes of the edge's budget after 25 s");
      }
    }
  }

  /**
   * HMAC-SHA256 pads a key shorter than its 64-byte block with zeros, so the published vector key
   * {@code k1} followed by zero bytes is the same HMAC key: anyone holding §6.1's published key signs
   * descriptors such a ring accepts. {@code PublishedKeys} compares the SHA-256 of the raw bytes, so it
   * does not see it. Likewise §23.1 prints k1 as hex; pasted as the secret text, the hex is decoded as
   * base64url into bytes anyone can compute from the docs.
   */
  @Test
  void keysEquivalentToAPublishedKeyAreRefused() {
    byte[] k1 = new byte[32];
    for (int i = 0; i < 32; i++) {
      k1[i] = (byte) i;
    }
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    assertThrows(IllegalArgumentException.class, () -> KeyRing.builder().addKey("k1", Arrays.copyOf(k1, 33)),
        "k1 plus one zero byte: the same HMAC key as the published k1");
    assertThrows(IllegalArgumentException.class, () -> KeyRing.builder().addKey("k1", Arrays.copyOf(k1, 64)),
        "k1 zero-padded to the block size: the same HMAC key as the published k1");
    assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("k1:" + b64.encodeToString(Arrays.copyOf(k1, 40))),
        "the same through the text form");
    assertThrows(IllegalArgumentException.class, () -> KeyRing.parse("k1:" + HexFormat.of().formatHex(k1)),
        "the hex text of k1 that docs/wire-format.md §23.1 prints, pasted as the secret");
  }
}
