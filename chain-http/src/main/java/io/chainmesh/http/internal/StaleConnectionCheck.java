package io.chainmesh.http.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.SocketFactory;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Catches pooled connections the next hop has already closed — it restarted, was replaced, or timed
 * the connection out — before a request is written on them. OkHttp checks an idle connection only
 * after 10 s, and a hop cannot let it retry on its own (it would also re-send requests that did
 * arrive), so without this the first forward after a next hop restarts fails.
 *
 * <p>As a network interceptor it sees the connection a request is about to be written on and
 * peeks at it without blocking: a FIN (or unsolicited bytes) already waiting means the peer closed
 * it before it could see this request. The connection is closed, so OkHttp does not offer it again,
 * and the attempt fails with {@link StaleConnectionException}: the request provably never left. A
 * peer that closed one pooled connection has usually closed them all (it restarted), so the pool's
 * idle connections are evicted too: the next attempt opens a fresh connection instead of finding
 * the next closed one.
 * Only sockets from {@link #socketFactory()} (channel-backed) can be peeked at; others are not
 * checked.
 *
 * <p>Cost: the peek is three system calls per request (to non-blocking mode, a read, back). The
 * socket's own read timeout is switched off ({@code SO_TIMEOUT} 0) once the peek is done, because a
 * channel-backed socket with a read timeout would switch the channel to non-blocking mode and back
 * around every read of the answer; OkHttp's own timeout ({@code readTimeout}, enforced by Okio's
 * watchdog, which closes the socket when a read takes too long) still bounds every read, so the
 * answer's reads become plain blocking reads without changing when a silent next hop times out.
 */
public final class StaleConnectionCheck implements Interceptor {
  /**
   * Closed pooled connections one request may skip before it fails. After the first, the pool's
   * idle connections are evicted, so a request meets more than one only when connections in use by
   * other calls at that moment come back to the pool closed; this bounds it.
   */
  public static final int MAX_SKIPPED = 64;

  private final ConnectionPool pool;

  /** A check on the connections of {@code pool}, the pool of the client it is added to. */
  public StaleConnectionCheck(ConnectionPool pool) {
    this.pool = pool;
  }

  /** A send that may fail on a pooled connection the peer had closed. */
  @FunctionalInterface
  public interface Send<T> {
    /** Sends once, on whatever connection the client picks. */
    T send() throws IOException;
  }

  /**
   * Runs {@code send}, and again at once each time it fails with {@link StaleConnectionException}
   * (the request never left), at most {@link #MAX_SKIPPED} times more; then the last such
   * exception is thrown. Any other failure is thrown as it is.
   */
  public static <T> T skippingClosed(Send<T> send) throws IOException {
    for (int skipped = 0; ; skipped++) {
      try {
        return send.send();
      } catch (StaleConnectionException e) {
        if (skipped >= MAX_SKIPPED) {
          throw e;
        }
      }
    }
  }

  private static final SocketFactory SOCKETS = new ChannelSockets();

  /** Plain sockets backed by {@link SocketChannel}s, so that this check can peek at them. */
  public static SocketFactory socketFactory() {
    return SOCKETS;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Connection connection = chain.connection();
    if (connection != null) {
      Socket socket = connection.socket();
      SocketChannel channel = socket.getChannel();
      if (channel != null) {
        if (peerClosed(channel)) {
          socket.close();
          pool.evictAll();
          throw new StaleConnectionException();
        }
        // OkHttp set SO_TIMEOUT to its read timeout for this exchange; its watchdog enforces the
        // same timeout, so the socket's own (costly on a channel, see above) is not needed.
        socket.setSoTimeout(0);
      }
    }
    return chain.proceed(chain.request());
  }

  private static boolean peerClosed(SocketChannel channel) throws IOException {
    synchronized (channel.blockingLock()) {
      channel.configureBlocking(false);
      try {
        return channel.read(ByteBuffer.allocate(1)) != 0;
      } finally {
        channel.configureBlocking(true);
      }
    }
  }

  /** The next hop closed a pooled connection before the request was written on it. */
  public static final class StaleConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    StaleConnectionException() {
      super("the next hop had closed the pooled connection; the request was not sent on it");
    }
  }

  private static final class ChannelSockets extends SocketFactory {
    @Override
    public Socket createSocket() throws IOException {
      return SocketChannel.open().socket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
      Socket socket = createSocket();
      try {
        if (local != null) {
          socket.bind(local);
        }
        socket.connect(remote);
        return socket;
      } catch (IOException e) {
        socket.close();
        throw e;
      }
    }
  }
}
