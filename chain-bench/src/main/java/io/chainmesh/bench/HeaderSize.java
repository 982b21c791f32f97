package io.chainmesh.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.DecodeLimits;
import io.chainmesh.core.internal.Base64Url;
import io.chainmesh.core.internal.proto.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The size of the {@code Chain-Descriptor} header against segment count and metadata, beside what
 * the network-layer designs it learns from carry for the same chain, computed from their RFCs:
 *
 * <ul>
 *   <li><b>IPv6 SRH</b> (RFC 8754 §2.1): 8 fixed octets (Next Header, Hdr Ext Len, Routing Type,
 *       Segments Left, Last Entry, Flags, Tag) + 16 octets per segment (one IPv6 address each), plus
 *       the HMAC TLV of §2.1.2: Type (1) + Length (1) + D flag and reserved (2) + HMAC Key ID (4) +
 *       HMAC (HMAC-SHA256: 32, a multiple of 8 as required) = 40 octets. Total {@code 48 + 16·n},
 *       already a multiple of 8 so no padding. SRH carries no metadata and no route record.
 *   <li><b>NSH</b> (RFC 8300 §2): base header (4) + service path header (4: 24-bit SPI, 8-bit SI)
 *       = 8 octets whatever the chain length, because the path itself is state held by the
 *       forwarders, named by the SPI. MD Type 2 context headers (§2.5.1): Metadata Class (2) +
 *       Type (1) + U/Length (1) + value padded to 4 octets, per entry. The base header's 6-bit
 *       Length counts 4-octet words, so a whole NSH is at most 63 words = 252 octets. RFC 8300 has
 *       no integrity; RFC 9145 adds a MAC context header, at least 4 + 32 octets with HMAC-SHA256
 *       (it also carries a key id and freshness data, not counted here).
 * </ul>
 *
 * <p>chainmesh figures are exact: {@link SampleChains#descriptor} encoded by {@link ChainCodec}
 * (protobuf, envelope with key id and 32-byte HMAC, base64url). The header value is what travels;
 * over HTTP/1.1 the line adds {@code "Chain-Descriptor: "} and CRLF (20 octets); HTTP/2 and 3
 * compress the name but never the base64 value (it changes every hop).
 *
 * <pre>java -cp chain-bench/target/benchmarks.jar io.chainmesh.bench.HeaderSize [--out DIR]</pre>
 */
public final class HeaderSize {
  static final int SRH_FIXED = 8;
  static final int SRH_PER_SEGMENT = 16;
  static final int SRH_HMAC_TLV = 1 + 1 + 2 + 4 + 32;
  static final int NSH_FIXED = 4 + 4;
  static final int NSH_MAX = 63 * 4;
  static final int NSH_CONTEXT_HEADER = 4;
  static final int NSH_MAC_AT_LEAST = NSH_CONTEXT_HEADER + 32;
  static final int HTTP1_LINE_OVERHEAD = "Chain-Descriptor: ".length() + 2;
  static final int METADATA = 8;

  private HeaderSize() {}

  /** One line of the comparison. */
  record Line(int segments, int noMetadata, int withMetadata, int atLastHop, int descriptorBytes, int srh,
      int nshContext, int nshWithMac) {}

  /** The comparison for every segment count from 1 to {@code maxSegments}. */
  static List<Line> compute(int maxSegments) {
    // Limits raised so that descriptors above the default 4 KiB header can be measured (and flagged).
    DecodeLimits roomy = DecodeLimits.builder().maxHeaderBytes(1 << 16).build();
    ChainCodec codec = ChainCodec.builder(SampleChains.keys()).limits(roomy).build();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    int nsh = nshContextBytes();
    List<Line> lines = new ArrayList<>();
    for (int n = 1; n <= maxSegments; n++) {
      ChainDescriptor bare = SampleChains.descriptor(n, 0, 0, now);
      ChainDescriptor first = SampleChains.descriptor(n, METADATA, 0, now);
      ChainDescriptor last = SampleChains.descriptor(n, METADATA, n - 1, now);
      String header = codec.encode(first);
      lines.add(new Line(n, codec.encode(bare).length(), header.length(), codec.encode(last).length(),
          descriptorBytes(header), SRH_FIXED + SRH_PER_SEGMENT * n + SRH_HMAC_TLV, NSH_FIXED + nsh,
          NSH_FIXED + nsh + NSH_MAC_AT_LEAST));
    }
    return lines;
  }

  /** The serialized descriptor inside the envelope (what the MAC covers). */
  private static int descriptorBytes(String header) {
    try {
      return Envelope.parseFrom(Base64Url.decode(header)).getDescriptorBytes().size();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the codec wrote an envelope it cannot read", e);
    }
  }

  /** MD Type 2 context headers carrying the same {@value #METADATA} values (keys become class + type). */
  static int nshContextBytes() {
    int total = 0;
    for (int i = 0; i < METADATA; i++) {
      String value = SampleChains.metadataValue(i);
      int length = value.getBytes(StandardCharsets.UTF_8).length;
      total += NSH_CONTEXT_HEADER + (length + 3) / 4 * 4;
    }
    return total;
  }

  /** Command line: prints the table, writes header-size.csv and header-size.png. */
  public static void main(String[] args) {
    Path out = Files.isDirectory(Path.of("chain-bench")) ? Path.of("chain-bench", "target", "header-size")
        : Path.of("target", "header-size");
    if (args.length == 2 && args[0].equals("--out")) {
      out = Path.of(args[1]);
    } else if (args.length != 0) {
      System.err.println("usage: HeaderSize [--out DIR]");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    List<Line> lines = compute(64);
    System.out.println(table(lines));
    write(lines, out);
    System.out.println("written to " + out);
  }

  static String table(List<Line> lines) {
    StringBuilder sb = new StringBuilder();
    sb.append("| segments | chainmesh, no metadata | chainmesh, 8 metadata | chainmesh, 8 metadata, at last hop |"
        + " protobuf descriptor | SRH + HMAC TLV | NSH MD2, 8 values | NSH MD2 + MAC (RFC 9145, at least) |\n");
    sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Line l : lines) {
      if (l.segments() <= 8 || l.segments() % 8 == 0) {
        sb.append(String.format(Locale.ROOT, "| %d | %d | %d | %s | %d | %d | %s | %s |%n", l.segments(), l.noMetadata(),
            l.withMetadata(), l.atLastHop() > DecodeLimits.DEFAULTS.maxHeaderBytes() ? l.atLastHop() + " (over 4 KiB)"
                : Integer.toString(l.atLastHop()),
            l.descriptorBytes(), l.srh(), nsh(l.nshContext()), nsh(l.nshWithMac())));
      }
    }
    return sb.toString();
  }

  private static String nsh(int bytes) {
    return bytes > NSH_MAX ? bytes + " (over the 252 maximum)" : Integer.toString(bytes);
  }

  static void write(List<Line> lines, Path dir) {
    LoadDriver.ensureDirectory(dir);
    StringBuilder csv = new StringBuilder("segments,chainmesh_no_metadata,chainmesh_8_metadata,chainmesh_8_metadata_last_hop,"
        + "protobuf_descriptor,srh_hmac,nsh_md2_8_values,nsh_md2_8_values_mac\n");
    for (Line l : lines) {
      csv.append(l.segments()).append(',').append(l.noMetadata()).append(',').append(l.withMetadata()).append(',')
          .append(l.atLastHop()).append(',').append(l.descriptorBytes()).append(',').append(l.srh()).append(',')
          .append(l.nshContext()).append(',').append(l.nshWithMac()).append('\n');
    }
    try {
      Files.writeString(dir.resolve("header-size.csv"), csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir, e);
    }
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title("Per-request chain header against segment count")
        .xAxisTitle("segments").yAxisTitle("bytes").build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    chart.getStyler().setYAxisMin(0.0);
    double[] x = lines.stream().mapToDouble(Line::segments).toArray();
    series(chart, "chainmesh header value, 8 metadata, at last hop", x, lines.stream().mapToDouble(Line::atLastHop).toArray());
    series(chart, "chainmesh header value, 8 metadata", x, lines.stream().mapToDouble(Line::withMetadata).toArray());
    series(chart, "chainmesh header value, no metadata", x, lines.stream().mapToDouble(Line::noMetadata).toArray());
    series(chart, "IPv6 SRH + HMAC TLV", x, lines.stream().mapToDouble(Line::srh).toArray());
    series(chart, "NSH MD type 2, 8 values + MAC (at least)", x, lines.stream().mapToDouble(Line::nshWithMac).toArray());
    double[] limit = lines.stream().mapToDouble(l -> DecodeLimits.DEFAULTS.maxHeaderBytes()).toArray();
    chart.addSeries("default header limit (4 KiB)", x, limit).setMarker(SeriesMarkers.NONE);
    LoadCharts.save(chart, dir.resolve("header-size.png"));
  }

  private static void series(XYChart chart, String name, double[] x, double[] y) {
    chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
  }
}
