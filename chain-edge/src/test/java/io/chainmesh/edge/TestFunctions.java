package io.chainmesh.edge;

import io.chainmesh.http.ChainContext;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.ChainReply;
import java.util.Locale;

/** Small text functions for test chains; each class is served as its own hop. */
final class TestFunctions {
  private TestFunctions() {}

  /** Upper-cases the body. */
  public static final class Upper {
    @ChainFunction("upper")
    public String upper(String body) {
      return body.toUpperCase(Locale.ROOT);
    }
  }

  /** Appends '!'. */
  public static final class Exclaim {
    @ChainFunction("exclaim")
    public String exclaim(String body) {
      return body + "!";
    }
  }

  /** Reverses the body. */
  public static final class Reverse {
    @ChainFunction("reverse")
    public String reverse(String body) {
      return new StringBuilder(body).reverse().toString();
    }
  }

  /** Ends the chain early with 403. */
  public static final class Stop {
    @ChainFunction("stop")
    public ChainReply stop(String body) {
      return ChainReply.status(403, "stopped: " + body);
    }
  }

  /** Always throws: the chain fails at this hop. */
  public static final class Fail {
    @ChainFunction("fail")
    public String fail(String body) {
      throw new IllegalStateException("deliberate failure");
    }
  }

  /** Answers with what the hop saw: chain name, edge metadata and trace id. */
  public static final class Inspect {
    @ChainFunction("inspect")
    public String inspect(String body, ChainContext chain) {
      return "name=" + chain.chainName().orElse("") + " metadata=" + chain.descriptor().edgeMetadata()
          + " trace=" + chain.traceId() + " body=" + body;
    }
  }

  /** Takes a while, then passes the body on. */
  public static final class Slow {
    @ChainFunction("slow")
    public String slow(String body) throws InterruptedException {
      Thread.sleep(400);
      return body;
    }
  }
}
