package io.chainmesh.reliability.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.edge.ChainEdge;
import io.chainmesh.reliability.faults.LoopbackDomain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Threat "memory and thread exhaustion" (brief §4), item 1 of issue 13: uploads that declare a large
 * body and then stall, or send one chunk after another, must not fill the edge's heap. A declared
 * oversize is refused before a byte of it is read; every body the edge holds counts against one
 * budget of bytes, and what would go over it is refused {@code 503 hop.unavailable} with
 * {@code Retry-After}, while the edge keeps serving what fits; the budget is back to 0 afterwards.
 *
 * <p>The edge here is sized down — bodies up to 1 MiB, 4.5 MiB of body memory — so that four stalled
 * uploads fill it the way ~25 stalled 16 MiB uploads filled a 384 MiB heap.
 */
class EdgeMemoryAttackTest {
  private static final int MAX_BODY = 1 << 20;
  private static final long BODY_MEMORY = MAX_BODY * 9L / 2;
  private static final String CATALOGUE = """
      services: [alpha]
      chains:
        - name: a
          match: POST /a
          segments: [alpha]
      """;

  private final Invocations calls = new Invocations();
  private LoopbackDomain domain;
  private ChainEdge edge;

  @BeforeEach
  void start() {
    domain = new LoopbackDomain();
    domain.hop("alpha", new TargetFunctions.Alpha(calls));
    edge = domain.edge(CATALOGUE, b -> b.maxBodyBytes(MAX_BODY).maxBodyMemory(BODY_MEMORY));
  }

  @AfterEach
  void stop() {
    domain.close();
  }

  private static String head(String framing) {
    return "POST /a HTTP/1.1\r\nHost: edge\r\nContent-Type: text/plain\r\n" + framing + "\r\n\r\n";
  }

  @Test
  void declaredOversizeIsRefusedAtOnceWithoutWaitingForTheBody() throws IOException {
    try (RawHttp.Stalled upload = RawHttp.Stalled.start(edge.uri(), head("Content-Length: 100000000"), new byte[0])) {
      RawHttp.Reply reply = upload.answerWithin(5_000);

      assertNotNull(reply, "no answer within 5 s: the edge waits for a body it will refuse");
      assertEquals(413, reply.status(), reply::toString);
      assertTrue(reply.body().contains("\"reason\":\"limits.body\""), reply::toString);
    }
    assertEquals(0, calls.total());
    assertEquals(0, edge.stats().chainsStarted());
  }

  /**
   * Eight uploads of bodies they never finish — declaring 1 MiB or chunked, sending 900 KiB — against
   * a budget whose large-body share fits fewer than four: at most four are held waiting for the rest;
   * the others are refused at once with 503 and Retry-After (a refused chunked upload may find its
   * connection cut instead, when more of its body was in flight than the server drains). An honest
   * client is served meanwhile, and once the stalled uploads hang up the budget is back to 0 and a
   * full-size body fits again.
   */
  @ParameterizedTest(name = "{0} uploads")
  @ValueSource(strings = {"declared", "chunked"})
  void stalledUploadsBeyondTheBudgetAre503AndHonestClientsAreServed(String framing) throws IOException {
    boolean declared = framing.equals("declared");
    // Each sends 900 KiB and stalls: a declared body is reserved as its bytes arrive, so the
    // uploads must send to hold anything (HeadOnlyUploads... in HostileBudgetFindingsTest).
    byte[] part = new byte[900 * 1024];
    java.util.Arrays.fill(part, (byte) 'x');
    List<RawHttp.Stalled> uploads = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        uploads.add(declared
            ? RawHttp.Stalled.start(edge.uri(), head("Content-Length: " + MAX_BODY), part)
            : RawHttp.Stalled.start(edge.uri(), head("Transfer-Encoding: chunked"), chunk(part)));
      }
      int waiting = 0;
      int refused = 0;
      long deadline = System.nanoTime() + 3_000_000_000L;
      for (RawHttp.Stalled upload : uploads) {
        RawHttp.Reply reply = upload.answerWithin((int) Math.max(50, (deadline - System.nanoTime()) / 1_000_000));
        if (reply == null) {
          waiting++;
        } else if (reply.dropped() && !declared) {
          refused++;
        } else {
          assertEquals(503, reply.status(), reply::toString);
          assertTrue(reply.body().contains("\"reason\":\"hop.unavailable\""), reply::toString);
          assertTrue(reply.head().toLowerCase(java.util.Locale.ROOT).contains("retry-after: 1"), reply::toString);
          refused++;
        }
      }
      assertTrue(waiting <= 4 && refused >= 4, waiting + " of 8 stalled uploads are held, " + refused
          + " refused; the edge holds " + edge.stats().bodyBytesHeld() + " bytes of a " + BODY_MEMORY + " byte budget");
      assertTrue(edge.stats().bodyBytesHeld() <= BODY_MEMORY, edge.stats()::toString);

      LoopbackDomain.Answer honest = domain.post(edge, "/a", "honest");
      assertEquals(200, honest.status(), honest::toString);
      assertEquals("honest.a", honest.body());
    } finally {
      for (RawHttp.Stalled upload : uploads) {
        upload.close();
      }
    }
    LoopbackDomain.await(() -> edge.stats().bodyBytesHeld() == 0,
        () -> edge.stats().bodyBytesHeld() + " bytes still held after every upload hung up");
    LoopbackDomain.Answer full = domain.post(edge, "/a", "y".repeat(MAX_BODY - 2));
    assertEquals(200, full.status(), full::toString);
    // Released right after the answer has left, on the edge's request thread: the client may see it first.
    LoopbackDomain.await(() -> edge.stats().bodyBytesHeld() == 0,
        () -> edge.stats().bodyBytesHeld() + " bytes still held after the full-size request was answered");
  }

  @Test
  void chunkedUploadOverTheLimitIsRefusedAndHoldsNothing() throws IOException {
    byte[] body = new byte[MAX_BODY + 1];
    java.util.Arrays.fill(body, (byte) 'x');

    RawHttp.Reply reply = RawHttp.send(edge.uri(), head("Transfer-Encoding: chunked")
        + new String(chunk(body), StandardCharsets.ISO_8859_1) + "0\r\n\r\n");

    assertEquals(413, reply.status(), reply::toString);
    assertTrue(reply.body().contains("\"reason\":\"limits.body\""), reply::toString);
    assertEquals(0, calls.total());
    assertEquals(0, edge.stats().bodyBytesHeld());
  }

  /** {@code data} as one chunk of chunked framing (size line, data, CRLF), without the last chunk. */
  static byte[] chunk(byte[] data) {
    byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[size.length + data.length + 2];
    System.arraycopy(size, 0, out, 0, size.length);
    System.arraycopy(data, 0, out, size.length, data.length);
    out[out.length - 2] = '\r';
    out[out.length - 1] = '\n';
    return out;
  }
}
