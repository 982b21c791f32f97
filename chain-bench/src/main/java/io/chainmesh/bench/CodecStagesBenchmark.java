package io.chainmesh.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.internal.Base64Url;
import io.chainmesh.core.internal.HmacKey;
import io.chainmesh.core.internal.proto.Descriptor;
import io.chainmesh.core.internal.proto.Envelope;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where {@link HopBenchmark}'s time goes, stage by stage, for the 8-segment descriptor: base64url
 * both ways, the envelope and descriptor protobuf parses, the HMAC, serialisation, and the
 * unverified decode (base64 + parses + limits + model). The mapping between protobuf messages and
 * the model is package-private in chain-core; its cost is {@code decodeUnverified} minus the parses.
 *
 * <pre>java -jar chain-bench/target/benchmarks.jar CodecStagesBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CodecStagesBenchmark {
  private final Clock clock = Clock.systemUTC();
  private ChainCodec codec;
  private HmacKey key;
  private String header;
  private byte[] envelopeBytes;
  private byte[] descriptorBytes;
  private Descriptor parsed;

  /** A fresh 8-segment descriptor per iteration (validity window). */
  @Setup(Level.Iteration)
  public void setUp() throws InvalidProtocolBufferException {
    codec = ChainCodec.builder(SampleChains.keys()).clock(clock).build();
    key = new HmacKey(SampleChains.KEY_ID, SampleChains.secret());
    ChainDescriptor descriptor = SampleChains.descriptor(8, 8, 4, clock.instant());
    header = codec.encode(descriptor);
    envelopeBytes = Base64Url.decode(header);
    descriptorBytes = Envelope.parseFrom(envelopeBytes).getDescriptorBytes().toByteArray();
    parsed = Descriptor.parseFrom(descriptorBytes);
  }

  /** base64url decode of the header (strict). */
  @Benchmark
  public byte[] base64Decode() {
    return Base64Url.decode(header);
  }

  /** base64url decode of the header in place (the codec's fast path). */
  @Benchmark
  public byte[] base64DecodeInPlace() {
    return Base64Url.decodeInPlace(header);
  }

  /** base64url encode of the envelope in place (the codec's fast path), including the array's copy. */
  @Benchmark
  public String base64EncodeInPlace() {
    int n = envelopeBytes.length;
    byte[] out = new byte[Base64Url.encodedLength(n)];
    System.arraycopy(envelopeBytes, 0, out, out.length - n, n);
    return Base64Url.encodeInPlace(out, out.length - n, n);
  }

  /** base64url encode of the envelope. */
  @Benchmark
  public String base64Encode() {
    return Base64Url.encode(envelopeBytes);
  }

  /** Envelope protobuf parse (copying the descriptor bytes, unlike the codec, which aliases). */
  @Benchmark
  public Envelope envelopeParse() throws InvalidProtocolBufferException {
    return Envelope.parseFrom(envelopeBytes);
  }

  /** Descriptor protobuf parse into generated message objects. */
  @Benchmark
  public Descriptor descriptorParse() throws InvalidProtocolBufferException {
    return Descriptor.parseFrom(descriptorBytes);
  }

  /** Descriptor protobuf serialisation (of a message whose size is already memoised). */
  @Benchmark
  public byte[] descriptorSerialize() {
    return parsed.toByteArray();
  }

  /** HMAC-SHA256 over the MAC input (a pooled, initialised Mac). */
  @Benchmark
  public byte[] mac() {
    return key.mac(ChainCodec.ENVELOPE_VERSION, descriptorBytes);
  }

  /** Everything in decode except MAC verification and the validity window. */
  @Benchmark
  public ChainDescriptor decodeUnverified() {
    return codec.decodeUnverified(header);
  }
}
