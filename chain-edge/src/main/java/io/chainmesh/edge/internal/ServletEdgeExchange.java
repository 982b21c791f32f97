package io.chainmesh.edge.internal;

import io.chainmesh.http.internal.BodyMemory;
import io.chainmesh.http.internal.Outgoing;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request at the edge in a servlet container. An asynchronous chain is answered from another
 * thread: where the servlet is registered with async support, the request is put in async mode and
 * completed by the answer, so a waiting client holds no container thread; where it is not, the
 * container's thread waits for the answer ({@link #awaitAnswer()}).
 */
public final class ServletEdgeExchange extends EdgeExchange {
  private static final Logger log = LoggerFactory.getLogger(ServletEdgeExchange.class);

  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final AsyncContext async;
  private final CountDownLatch sent = new CountDownLatch(1);

  /** Adapts a request/response pair, putting the request in async mode where the container allows it. */
  public ServletEdgeExchange(HttpServletRequest request, HttpServletResponse response) {
    this.request = request;
    this.response = response;
    if (request.isAsyncSupported()) {
      this.async = request.startAsync(request, response);
      // The edge bounds the wait itself (asyncTimeout, the chain's deadline).
      async.setTimeout(0);
    } else {
      this.async = null;
    }
  }

  @Override
  public String header(String name) {
    return request.getHeader(name);
  }

  @Override
  public String method() {
    return request.getMethod();
  }

  @Override
  public String rawPath() {
    return request.getRequestURI();
  }

  @Override
  public BodyMemory.Held readBody(long max, BodyMemory memory) throws IOException {
    return memory.read(request.getInputStream(), request.getContentLengthLong(), max);
  }

  @Override
  protected void send(int status, Map<String, String> headers, byte[] body) {
    try {
      response.setStatus(status);
      headers.forEach(response::setHeader);
      if (body != null) {
        response.setContentLength(body.length);
        OutputStream out = response.getOutputStream();
        Outgoing.writeInSlices(out, body);
        out.flush();
      }
    } catch (IOException | IllegalStateException e) {
      log.debug("chainmesh edge: the client went away before its answer was sent ({})", e.toString());
    } finally {
      if (async != null) {
        async.complete();
      }
      sent.countDown();
    }
  }

  /**
   * For the container's thread, after the edge has served the request: returns at once in async
   * mode; otherwise waits until the answer is sent (the edge always answers: a reply, a timeout,
   * or its own close).
   */
  public void awaitAnswer() throws InterruptedException {
    if (async == null) {
      sent.await();
    }
  }
}
