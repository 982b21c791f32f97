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
    if (out.length() >= 0) {
      response.setContentLengthLong(out.length());
    }
    if (out.length() == 0) {
      out.close();
      return;
    }
    OutputStream stream = response.getOutputStream();
    out.writeTo(stream);
    stream.flush();
  }
}
