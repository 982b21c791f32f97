package io.chainmesh.reliability.attack;

import io.chainmesh.core.Segment;
import io.chainmesh.http.ChainContext;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.ChainReply;
import io.chainmesh.http.Forwarder;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The functions the attacked hops serve; each counts its calls in the shared {@link Invocations}. */
final class TargetFunctions {
  private TargetFunctions() {}

  /** Appends ".a" to a text body: first hop of the {@code abc} chain. */
  public static final class Alpha {
    private final Invocations calls;

    Alpha(Invocations calls) {
      this.calls = calls;
    }

    @ChainFunction("alpha")
    public String alpha(String body) {
      calls.record("alpha");
      return body + ".a";
    }
  }

  /** Appends ".b". */
  public static final class Beta {
    private final Invocations calls;

    Beta(Invocations calls) {
      this.calls = calls;
    }

    @ChainFunction("beta")
    public String beta(String body) {
      calls.record("beta");
      return body + ".b";
    }
  }

  /** Appends ".g". */
  public static final class Gamma {
    private final Invocations calls;

    Gamma(Invocations calls) {
      this.calls = calls;
    }

    @ChainFunction("gamma")
    public String gamma(String body) {
      calls.record("gamma");
      return body + ".g";
    }
  }

  /** A typed body, bound from JSON: the target of JSON bombs. */
  public record Order(String item, int quantity, BigDecimal price, BigInteger units, List<String> tags,
      Map<String, Object> extra) {}

  /** Binds {@link Order} from JSON. */
  public static final class Typed {
    private final Invocations calls;

    Typed(Invocations calls) {
      this.calls = calls;
    }

    @ChainFunction("typed")
    public Order typed(Order order) {
      calls.record("typed");
      return order;
    }
  }

  /** Ping inserts pong after itself, pong inserts ping: a loop A→B→A… that only the hop limit stops. */
  public static final class Ping {
    private final Invocations calls;

    Ping(Invocations calls) {
      this.calls = calls;
    }

    @ChainFunction("ping")
    public ChainReply ping(String body, Forwarder next) {
      calls.record("ping");
      return next.insertAfterCurrent(List.of(Segment.of("pong"))).forward(body + ".ping");
    }
  }

  /** The other half of the loop. */
  public static final class Pong {
    private final Invocations calls;

    Pong(Invocations calls) {
      this.calls = calls;
    }

    @ChainFunction("pong")
    public ChainReply pong(String body, Forwarder next) {
      calls.record("pong");
      return next.insertAfterCurrent(List.of(Segment.of("ping"))).forward(body + ".pong");
    }
  }

  /** Inserts one more segment than any hop allows in a chain. */
  public static final class Flood {
    private final Invocations calls;
    private final int count;

    Flood(Invocations calls, int count) {
      this.calls = calls;
      this.count = count;
    }

    @ChainFunction("flood")
    public ChainReply flood(String body, Forwarder next) {
      calls.record("flood");
      return next.insertAfterCurrent(Collections.nCopies(count, Segment.of("alpha"))).forward(body);
    }
  }

  /** Answers with the trace id the hop saw. */
  public static final class Traced {
    private final Invocations calls;

    Traced(Invocations calls) {
      this.calls = calls;
    }

    @ChainFunction("traced")
    public String traced(String body, ChainContext chain) {
      calls.record("traced");
      return chain.traceId();
    }
  }

  /**
   * An application-level replay cache keyed by chain id and segment index, as the threat model
   * suggests for functions that must not run twice: the library gives the key, the function keeps it.
   */
  public static final class Guarded {
    private final Invocations calls;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    Guarded(Invocations calls) {
      this.calls = calls;
    }

    @ChainFunction("guarded")
    public Object guarded(String body, ChainContext chain) {
      calls.record("guarded");
      if (!seen.add(chain.chainId().toHex() + "/" + chain.segmentIndex())) {
        return ChainReply.status(409, "replayed");
      }
      return "once:" + body;
    }
  }
}
