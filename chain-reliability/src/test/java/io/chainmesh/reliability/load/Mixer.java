package io.chainmesh.reliability.load;

import io.chainmesh.http.ChainContext;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.ChainReply;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The function of every hop in an accounted chain: refuses a corrupted parcel with 422 (so
 * corruption anywhere shows at the client), otherwise mixes it with the hop's service name.
 */
public final class Mixer {
  private final AtomicLong entered = new AtomicLong();
  private final AtomicLong finished = new AtomicLong();
  private final long workMicros;

  /** A mixer that spends about {@code workMicros} per request (0: none), like a function with work to do. */
  public Mixer(long workMicros) {
    this.workMicros = workMicros;
  }

  /** The function. */
  @ChainFunction("mix")
  public Object mix(Parcel parcel, ChainContext chain) throws InterruptedException {
    entered.incrementAndGet();
    try {
      if (!parcel.intact()) {
        return ChainReply.status(422, "parcel " + parcel.id() + " arrived corrupted at " + chain.segment());
      }
      if (workMicros > 0) {
        Thread.sleep(workMicros / 1000, (int) (workMicros % 1000) * 1000);
      }
      return parcel.mixedBy(chain.segment().service());
    } finally {
      finished.incrementAndGet();
    }
  }

  /** Requests that entered the function. */
  public long entered() {
    return entered.get();
  }

  /** Requests whose function returned. */
  public long finished() {
    return finished.get();
  }
}
