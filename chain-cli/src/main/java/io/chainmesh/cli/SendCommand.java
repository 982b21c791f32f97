package io.chainmesh.cli;

import io.chainmesh.core.ChainCodec;
import io.chainmesh.core.ChainDescriptor;
import io.chainmesh.core.ChainException;
import io.chainmesh.core.ChainHeaders;
import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Reason;
import io.chainmesh.core.ReturnMode;
import io.chainmesh.core.Segment;
import io.chainmesh.core.internal.commandline.CommandLine;
import io.chainmesh.core.internal.commandline.Option;
import io.chainmesh.core.internal.commandline.UsageException;
import io.chainmesh.http.ChainClient;
import io.chainmesh.http.ChainHop;
import io.chainmesh.http.ChainProblem;
import io.chainmesh.http.ChainResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;

/**
 * {@code chain-cli send}: signs a descriptor, sends a request with it to a hop, and shows the
 * answer and the route the chain took.
 */
final class SendCommand implements Command {
  static final Option CHAIN = Option.value("chain", "json-file", "the descriptor, in JSON form (required)");
  static final Option BODY = Option.value("body", "file | -", "the request body; empty unless given");
  static final Option CONTENT_TYPE = Option.value("content-type", "type", "the body's type; application/json unless given");
  static final Option LIFETIME = Option.value("lifetime", "duration", "validity window from now; 60s unless given");
  static final Option DEADLINE = Option.value("deadline", "duration", "set the chain's deadline to now + this");
  static final Option TIMEOUT = Option.value("timeout", "duration", "give up waiting for the answer after this; 30s unless given");

  @Override
  public String name() {
    return "send";
  }

  @Override
  public String summary() {
    return "send a request through a chain; show the answer and the route taken (traceroute)";
  }

  @Override
  public String synopsis() {
    return "send <url> --chain json-file [--body file | -] [--content-type type]"
        + " (--key id:secret ... | --keys-file file | --keys-env variable) [--lifetime duration]"
        + " [--deadline duration] [--timeout duration]";
  }

  @Override
  public String description() {
    return """
        Reads the descriptor from --chain (JSON, as for sign), renews its validity window (issued
        now, --lifetime), signs it and POSTs the body to <url>, the hop serving the first segment,
        with the Chain-Descriptor header. Prints on stdout the answer's status, its body, and the
        traceroute view of the verified Chain-Route: one line per segment with the hop that served
        it, when it started, its own time and its outcome; "*" marks a segment no hop served.

        When a hop refused or failed, the answer is a problem document: stderr shows its reason
        code, detail, and the failing segment and hop, with hints. A Chain-Route that does not
        verify with the given keys is shown marked NOT VERIFIED.

        Exit code 0 means the chain answered (whatever the status, e.g. 403 from a function that
        ended the chain early); 1 means a problem document, no answer at all, or a route that does
        not verify.""";
  }

  @Override
  public List<Option> options() {
    List<Option> options = new ArrayList<>(List.of(CHAIN, BODY, CONTENT_TYPE));
    options.addAll(KeyOptions.OPTIONS);
    options.addAll(List.of(LIFETIME, DEADLINE, TIMEOUT));
    return options;
  }

  @Override
  public List<String> examples() {
    return List.of(
        "chain-cli send http://localhost:8081/ --chain checkout.json --body order.json --keys-env CHAIN_KEYS",
        "echo '{\"orderId\":\"o-1\"}' | chain-cli send http://validate:8080/ --chain quote.json --body - --keys-file keys.txt");
  }

  @Override
  public ExitCode run(CommandLine args, Terminal terminal) throws UsageException, IOException {
    String target = args.positionals(1, "<url>").get(0);
    URI url = httpUrl(target);
    String chainFile = args.value(CHAIN.name()).orElseThrow(
        () -> new UsageException("missing --chain json-file: the descriptor to send"));
    KeyRing keys = KeyOptions.require(args, terminal, "send signs the descriptor, and verifies the route");
    Duration lifetime = TimeOptions.positive(args, LIFETIME, ChainDescriptor.DEFAULT_LIFETIME);
    Optional<Duration> deadline = args.has(DEADLINE.name())
        ? Optional.of(TimeOptions.positive(args, DEADLINE, Duration.ZERO)) : Optional.empty();
    Duration timeout = TimeOptions.positive(args, TIMEOUT, Duration.ofSeconds(30));
    String contentType = args.value(CONTENT_TYPE.name()).orElse("application/json");
    if (chainFile.equals("-") && args.value(BODY.name()).filter("-"::equals).isPresent()) {
      throw new UsageException("--chain and --body cannot both read standard input");
    }
    String json = terminal.readText(chainFile);
    byte[] body = args.value(BODY.name()).isPresent() ? terminal.read(args.value(BODY.name()).get()) : new byte[0];

    PrintStream out = terminal.out();
    PrintStream err = terminal.err();
    Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
    Diagnosis diagnosis = Diagnosis.ofSend(keys, url.toString(), now);
    ChainCodec codec = ChainCodec.builder(keys).build();
    ChainDescriptor descriptor;
    try {
      DescriptorTemplate.Filled filled = DescriptorTemplate.read(json, now, Optional.of(lifetime), deadline);
      descriptor = filled.descriptor();
      codec.encode(descriptor); // refuse here, with the reason, what the client would fail to sign
    } catch (ChainException e) {
      diagnosis.print(e, err);
      return ExitCode.REFUSED;
    }
    err.println("> POST " + url + "  chain " + descriptor.chainId().toHex()
        + descriptor.chainName().map(n -> " (" + n + ")").orElse("") + ": "
        + descriptor.segments().stream().map(Segment::toString).collect(Collectors.joining(" -> "))
        + ", " + body.length + " byte body");

    AtomicReference<String> rawRoute = new AtomicReference<>();
    OkHttpClient http = ChainHop.defaultHttpClient().newBuilder()
        .callTimeout(timeout)
        .addNetworkInterceptor(chain -> {
          okhttp3.Response response = chain.proceed(chain.request());
          rawRoute.set(response.header(ChainHeaders.ROUTE));
          return response;
        })
        .build();
    ChainResponse response;
    long started = System.nanoTime();
    try (ChainClient client = ChainClient.builder(keys, segment -> url).httpClient(http).build()) {
      response = client.send(descriptor, body, contentType);
    } catch (ChainException e) {
      diagnosis.print(e, err);
      return ExitCode.REFUSED;
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    out.println("HTTP " + response.status() + response.contentType().map(t -> " " + t).orElse("")
        + " in " + DurationText.format(took));
    String text = new String(response.body(), StandardCharsets.UTF_8);
    out.print(text);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      out.println();
    }
    out.println();

    ExitCode exit = ExitCode.OK;
    Optional<ChainProblem> problem = response.problem();
    if (problem.isPresent()) {
      printProblem(problem.get(), diagnosis, err);
      exit = ExitCode.REFUSED;
    }
    if (response.finalDescriptor().isPresent()) {
      Traceroute.print(response.finalDescriptor().get(), "verified " + ChainHeaders.ROUTE, out);
    } else if (rawRoute.get() != null) {
      printUnverifiedRoute(rawRoute.get(), codec, out, err);
      exit = ExitCode.REFUSED;
    } else if (response.status() == 202 && descriptor.returnMode() == ReturnMode.ASYNC) {
      out.println("route: none yet: an asynchronous chain; the first hop accepted it, and the last hop delivers"
          + " the answer, with the route, to reply-to " + descriptor.replyTo().map(Segment::toString).orElse("?"));
    } else if (problem.isPresent()) {
      out.println("route: none: refused before any hop verified the descriptor");
    } else {
      out.println("route: none: the answer carried no " + ChainHeaders.ROUTE + " header (is " + url
          + " a chain-aware hop?)");
    }
    return exit;
  }

  private static URI httpUrl(String text) throws UsageException {
    try {
      URI url = new URI(text);
      if (url.getScheme() == null || !(url.getScheme().equalsIgnoreCase("http") || url.getScheme().equalsIgnoreCase("https"))
          || url.getHost() == null) {
        throw new UsageException("<url> must be an absolute http or https URL like http://localhost:8080/, was "
            + Excerpts.quote(text));
      }
      return url;
    } catch (URISyntaxException e) {
      throw new UsageException("<url> " + Excerpts.quote(text) + " does not parse: " + e.getReason());
    }
  }

  /** {@code error: <code>: <detail> (at segment i s, hop n)} and hints, for a problem document. */
  private static void printProblem(ChainProblem p, Diagnosis diagnosis, PrintStream err) {
    List<String> where = new ArrayList<>();
    p.segmentIndex().ifPresent(i -> where.add("segment " + i + p.segment().map(s -> " " + s).orElse("")));
    p.hop().ifPresent(h -> where.add("hop " + h));
    p.field().ifPresent(f -> where.add("field " + f));
    err.println("error: " + p.reasonCode() + ": " + p.detail() + (where.isEmpty() ? "" : " (at " + String.join(", ", where) + ")"));
    p.chainId().ifPresent(id -> err.println("chain: " + id));
    p.reason().ifPresent(r -> diagnosis.hints(r, -1).forEach(h -> err.println("hint: " + h)));
    if (p.reason().isEmpty()) {
      err.println("hint: " + p.reasonCode() + " is a reason code this chain-cli does not know: a newer hop?");
    }
  }

  /** A Chain-Route that does not verify: why, and what it says, marked as such. */
  private static void printUnverifiedRoute(String header, ChainCodec codec, PrintStream out, PrintStream err) {
    try {
      codec.decode(header);
      // Verified now but not when the client checked: only the clock can differ.
      err.println("error: the answer's " + ChainHeaders.ROUTE + " did not verify when it arrived");
    } catch (ChainException e) {
      err.println("error: the answer's " + ChainHeaders.ROUTE + " does not verify: " + e.getMessage());
      if (e.reason() == Reason.INTEGRITY_UNKNOWN_KEY || e.reason() == Reason.INTEGRITY_BAD_MAC) {
        err.println("hint: the last hop signs with a key these keys do not match: the chain's hops and this"
            + " command must share one key ring");
      }
    }
    try {
      Traceroute.print(codec.decodeUnverified(header), "NOT VERIFIED", out);
    } catch (ChainException e) {
      out.println("route: unreadable: " + e.getMessage());
    }
  }
}
