package io.chainmesh.http.internal;

import io.chainmesh.core.ChainHeaders;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The servlet door: a Jakarta Servlet request/response pair as a {@link HopExchange}. */
public final class ServletHttpExchange implements HopExchange {
  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private boolean cutOff;

  /** Adapts a request/response pair. */
  public ServletHttpExchange(HttpServletRequest request, HttpServletResponse response) {
    this.request = request;
    this.response = response;
  }

  @Override
  public String header(String name) {
    return request.getHeader(name);
  }

  @Override
  public int headerCount(String name) {
    int count = 0;
    for (java.util.Enumeration<String> values = request.getHeaders(name); values != null && values.hasMoreElements();
        values.nextElement()) {
      count++;
    }
    return count;
  }

  @Override
  public long contentLength() {
    return request.getContentLengthLong();
  }

  @Override
  public InputStream body() throws IOException {
    return request.getInputStream();
  }

  @Override
  public void respond(Outgoing out) throws IOException {
    response.setStatus(out.status());
    if (out.contentType() != null) {
      response.setContentType(out.contentType());
    }
    if (out.route() != null) {
      response.setHeader(ChainHeaders.ROUTE, out.route());
    }
    if (out.status() == 503) {
      response.setHeader("Retry-After", Outgoing.RETRY_AFTER_SECONDS);
    }
    if (out.length() >= 0) {
      response.setContentLengthLong(out.length());
    }
    if (out.length() == 0) {
      out.close();
      return;
    }
    OutputStream stream = response.getOutputStream();
    if (out.streamed()) {
      // Commit the head first, as the embedded door does: if the stream then fails midway, the
      // container can only drop the connection, never complete a short answer or replace it.
      response.flushBuffer();
    }
    try {
      out.writeTo(stream);
    } catch (IOException e) {
      cutOff = true;
      throw e;
    }
    stream.flush();
  }

  /**
   * Whether the answer broke off after its head was sent. The servlet must then fail the request
   * (the container aborts the connection) rather than return normally, which would complete the
   * answer as if it were whole.
   */
  public boolean cutOff() {
    return cutOff;
  }
}
