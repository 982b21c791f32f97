package io.chainmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chainmesh.core.KeyRing;
import io.chainmesh.core.Segment;
import io.chainmesh.http.SegmentResolver;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Kubernetes manifests of the demo shop ({@code deploy/kubernetes}) read as data: every YAML
 * document parses, and the structure holds together the way the chain needs it to: a Service per
 * workload, named as the segments name it; probes and resources; keys only from the Secret, and
 * the Secret holding nothing but a marked placeholder; a resolver template that follows the
 * namespace and that the library accepts; a catalogue whose services all exist.
 */
class DeploymentManifestsTest {
  static final Path DIR = Path.of("../deploy/kubernetes");
  static final YAMLMapper YAML = YAMLMapper.builder().build();
  static final Set<String> FUNCTIONS = Set.of("validate", "enrich", "loyalty", "price", "fraud", "receipt");
  static final String PLACEHOLDER_MARK = "REPLACE-ME";
  /** An id:secret entry whose secret is long enough to be a real HMAC key (32 bytes = 43 base64url characters). */
  static final Pattern KEY_LIKE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,63}):([A-Za-z0-9_+/-]{43,}={0,2})");

  /** Every document of every manifest file, with the file it came from. */
  record Doc(Path file, JsonNode node) {
    String kind() {
      return node.path("kind").asString("");
    }

    String name() {
      return node.path("metadata").path("name").asString("");
    }

    @Override
    public String toString() {
      return DIR.relativize(file) + ": " + kind() + " " + name();
    }
  }

  static List<Path> files;
  static List<Doc> docs;

  @BeforeAll
  static void readEveryDocument() throws IOException {
    assertTrue(Files.isDirectory(DIR), "manifests at " + DIR.toAbsolutePath());
    try (Stream<Path> walk = Files.walk(DIR)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    }
    docs = new ArrayList<>();
    for (Path file : files) {
      docs.addAll(parseAll(file));
    }
  }

  static List<Doc> parseAll(Path file) throws IOException {
    List<Doc> result = new ArrayList<>();
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        JsonNode node = it.nextValue();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          result.add(new Doc(file, node));
        }
      }
    }
    return result;
  }

  @Test
  void everyDocumentParsesAndNamesItsKind() {
    assertTrue(files.size() >= 10, "manifest files: " + files);
    for (Doc d : docs) {
      assertTrue(d.node().isObject(), d.file() + ": a document is a mapping");
      assertFalse(d.node().path("apiVersion").asString("").isEmpty(), d + ": apiVersion");
      assertFalse(d.kind().isEmpty(), d + ": kind");
      if (!d.kind().equals("Kustomization")) {
        assertFalse(d.name().isEmpty(), d + ": metadata.name");
        assertTrue(d.name().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), d + ": a DNS label name");
      }
    }
  }

  @Test
  void multiDocumentFilesAreReadWhole() throws IOException {
    assertEquals(2, parseAll(DIR.resolve("validate.yaml")).size(), "Deployment and Service");
    assertEquals(3, parseAll(DIR.resolve("network-policies.yaml")).size());
  }

  @Test
  void kustomizationListsEveryManifestOnce() {
    JsonNode k = only("Kustomization").node();
    List<String> listed = new ArrayList<>();
    k.path("resources").forEach(r -> listed.add(r.asString()));
    assertEquals(listed.size(), new HashSet<>(listed).size(), "no file listed twice: " + listed);
    Set<String> onDisk = files.stream().map(f -> DIR.relativize(f).toString().replace('\\', '/'))
        .filter(f -> !f.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(onDisk, new TreeSet<>(listed), "kustomization.yaml resources vs the files beside it");
    assertFalse(k.path("namespace").asString("").isEmpty(), "the kustomization sets the namespace");
    for (Doc d : docs) {
      assertTrue(d.node().path("metadata").path("namespace").isMissingNode(),
          d + ": no hard-coded namespace; the kustomization sets it");
    }
    Doc ns = only("Namespace");
    assertEquals(k.path("namespace").asString(), ns.name(), "the Namespace created is the one used");
  }

  @Test
  void everyWorkloadHasAServiceOfTheSameNameSelectingItsPods() {
    List<Doc> deployments = ofKind("Deployment");
    assertEquals(FUNCTIONS.size() + 1, deployments.size(), "a Deployment per function and the edge: " + deployments);
    for (Doc d : deployments) {
      Map<String, String> podLabels = strings(d.node().path("spec").path("template").path("metadata").path("labels"));
      Map<String, String> matchLabels = strings(d.node().path("spec").path("selector").path("matchLabels"));
      assertFalse(matchLabels.isEmpty(), d + ": spec.selector.matchLabels");
      assertTrue(podLabels.entrySet().containsAll(matchLabels.entrySet()), d + ": the selector matches its pod labels");
      assertEquals(podLabels.get("app.kubernetes.io/name"), d.name(), d + ": pods are labelled with the name");

      Doc service = ofKind("Service").stream().filter(s -> s.name().equals(d.name())).findFirst()
          .orElseThrow(() -> new AssertionError(d + " has no Service of the same name; hops find "
              + d.name() + " as http://" + d.name() + ".<namespace>.svc.cluster.local:8080"));
      Map<String, String> selector = strings(service.node().path("spec").path("selector"));
      assertFalse(selector.isEmpty(), service + ": a selector");
      assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), service + " selects the pods of " + d);
      for (Doc other : deployments) {
        if (other != d) {
          Map<String, String> otherLabels =
              strings(other.node().path("spec").path("template").path("metadata").path("labels"));
          assertFalse(otherLabels.entrySet().containsAll(selector.entrySet()), service + " also selects " + other);
        }
      }
      JsonNode port = service.node().path("spec").path("ports").get(0);
      assertNotNull(port, service + ": a port");
      assertEquals(8080, port.path("port").asInt(), service + ": port 8080, as in the resolver template");
      String target = port.path("targetPort").asString(port.path("targetPort").asString(""));
      Set<String> containerPorts = new HashSet<>();
      for (JsonNode c : containers(d)) {
        for (JsonNode p : c.path("ports")) {
          containerPorts.add(p.path("name").asString(""));
          containerPorts.add(Integer.toString(p.path("containerPort").asInt()));
        }
      }
      assertTrue(containerPorts.contains(target), service + ": targetPort " + target + " is a port of " + d);
      String type = service.node().path("spec").path("type").asString("ClusterIP");
      assertEquals("ClusterIP", type, service + ": hops are internal, and the edge is exposed by an ingress");
    }
  }

  @Test
  void everyContainerHasProbesResourcesAndNoPrivileges() {
    for (Doc d : ofKind("Deployment")) {
      for (JsonNode c : containers(d)) {
        String where = d + " container " + c.path("name").asString();
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
          JsonNode p = c.path(probe);
          assertTrue(p.isObject(), where + ": " + probe);
          // A hop answers 400 descriptor.missing to a plain GET: probe the socket, not an HTTP path.
          assertTrue(p.has("tcpSocket"), where + ": " + probe + " uses tcpSocket");
          String port = p.path("tcpSocket").path("port").asString("");
          boolean declared = false;
          for (JsonNode cp : c.path("ports")) {
            declared |= port.equals(cp.path("name").asString("")) || port.equals(cp.path("containerPort").asString(""));
          }
          assertTrue(declared, where + ": " + probe + " port " + port + " is declared");
        }
        JsonNode resources = c.path("resources");
        for (String kind : List.of("requests", "limits")) {
          for (String resource : List.of("cpu", "memory")) {
            assertFalse(resources.path(kind).path(resource).asString("").isEmpty(),
                where + ": resources." + kind + "." + resource);
          }
        }
        assertTrue(mebibytes(resources.path("requests").path("memory").asString())
            <= mebibytes(resources.path("limits").path("memory").asString()), where + ": memory request <= limit");
        assertFalse(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true),
            where + ": allowPrivilegeEscalation false");
        String image = c.path("image").asString("");
        assertTrue(image.matches("[a-z0-9./-]+:[0-9][A-Za-z0-9._-]*"), where + ": image " + image + " pins a version");
      }
      assertTrue(d.node().path("spec").path("template").path("spec").path("securityContext").path("runAsNonRoot")
          .asBoolean(false), d + ": runs as non-root");
    }
  }

  @Test
  void keysComeOnlyFromTheSecretAndTheResolverFollowsTheNamespace() {
    String namespace = only("Kustomization").node().path("namespace").asString();
    for (Doc d : ofKind("Deployment")) {
      for (JsonNode c : containers(d)) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        c.path("env").forEach(e -> env.put(e.path("name").asString(), e));
        JsonNode keys = env.get("CHAIN_KEYS");
        assertNotNull(keys, d + ": CHAIN_KEYS");
        assertFalse(keys.has("value"), d + ": CHAIN_KEYS never as a literal value");
        JsonNode ref = keys.path("valueFrom").path("secretKeyRef");
        Doc secret = ofKind("Secret").stream().filter(s -> s.name().equals(ref.path("name").asString())).findFirst()
            .orElseThrow(() -> new AssertionError(d + ": CHAIN_KEYS from a Secret that is not here: " + ref));
        JsonNode secretKeys = secret.node().has("stringData") ? secret.node().path("stringData") : secret.node().path("data");
        assertTrue(secretKeys.has(ref.path("key").asString()), d + ": the Secret has key " + ref.path("key"));

        List<String> names = new ArrayList<>(env.keySet());
        assertTrue(names.indexOf("POD_NAMESPACE") >= 0
            && names.indexOf("POD_NAMESPACE") < names.indexOf("CHAIN_RESOLVER_TEMPLATE"),
            d + ": POD_NAMESPACE is defined before the template that uses it");
        assertEquals("metadata.namespace",
            env.get("POD_NAMESPACE").path("valueFrom").path("fieldRef").path("fieldPath").asString());
        String template = env.get("CHAIN_RESOLVER_TEMPLATE").path("value").asString();
        assertEquals("http://{service}.$(POD_NAMESPACE).svc.cluster.local:8080", template, d.toString());

        // What the pod sees once Kubernetes has expanded $(POD_NAMESPACE): a template the library takes.
        SegmentResolver resolver = SegmentResolver.template(template.replace("$(POD_NAMESPACE)", namespace));
        assertEquals(URI.create("http://price." + namespace + ".svc.cluster.local:8080"),
            resolver.resolve(Segment.of("price")));
      }
    }
  }

  @Test
  void secretsHoldOnlyAMarkedPlaceholderThatNoKeyRingAccepts() {
    List<Doc> secrets = ofKind("Secret");
    assertFalse(secrets.isEmpty(), "the keys Secret");
    for (Doc s : secrets) {
      Map<String, String> values = new LinkedHashMap<>(strings(s.node().path("stringData")));
      strings(s.node().path("data")).forEach((k, v) ->
          values.put(k, new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8)));
      assertFalse(values.isEmpty(), s + ": holds the key ring entry");
      values.forEach((key, value) -> {
        assertTrue(value.contains(PLACEHOLDER_MARK), s + " " + key + ": marked " + PLACEHOLDER_MARK);
        assertThrows(IllegalArgumentException.class, () -> KeyRing.parse(value),
            s + " " + key + ": a placeholder no hop would start with");
      });
    }
  }

  @Test
  void nothingAnywhereLooksLikeARealKey() throws IOException {
    for (Path file : files) {
      Matcher m = KEY_LIKE.matcher(Files.readString(file, StandardCharsets.UTF_8));
      while (m.find()) {
        String secret = m.group(2);
        int bytes;
        try {
          bytes = (secret.contains("+") || secret.contains("/") || secret.endsWith("=")
              ? Base64.getDecoder() : Base64.getUrlDecoder()).decode(secret).length;
        } catch (IllegalArgumentException e) {
          continue;
        }
        if (bytes >= 32) {
          fail(DIR.relativize(file) + " holds what looks like a real key (id " + m.group(1) + ", " + bytes
              + " bytes): never commit keys; use a placeholder marked " + PLACEHOLDER_MARK);
        }
      }
    }
  }

  @Test
  void theDetectorWouldCatchARealKey() {
    Cli.Run run = Cli.run("keygen", "leaked");
    assertTrue(KEY_LIKE.matcher("CHAIN_KEYS: \"" + run.out().strip() + "\"").find(), "a keygen key is caught");
    assertFalse(KEY_LIKE.matcher("shop-1:!!REPLACE-ME-with-the-output-of-chain-cli-keygen!!").find());
  }

  @Test
  void theFunctionsAreTheShopsAndRunTheAssumedMain() {
    Set<String> functions = new TreeSet<>();
    for (Doc d : ofKind("Deployment")) {
      JsonNode c = containers(d).get(0);
      String component = d.node().path("metadata").path("labels").path("app.kubernetes.io/component").asString("");
      List<String> command = texts(c.path("command"));
      List<String> args = texts(c.path("args"));
      if (component.equals("function")) {
        functions.add(d.name());
        assertTrue(c.path("image").asString().startsWith("ghcr.io/chainmesh/chain-examples:"), d.toString());
        assertEquals(List.of("java", "-cp", "/app/chain-examples.jar", "io.chainmesh.examples.ShopService"), command);
        assertEquals(List.of(d.name(), "--port", "8080"), args, d + ": serves its own function on 8080");
      } else {
        assertEquals("edge", component, d + ": a function or the edge");
        assertEquals("edge", d.name(), "the edge's Service is its default reply-to service, edge");
        assertTrue(c.path("image").asString().startsWith("ghcr.io/chainmesh/chain-edge:"), d.toString());
        assertEquals(List.of("java", "-jar", "/app/chain-edge.jar"), command);
        assertEquals(List.of("--catalogue", "/etc/chainmesh/chains.yaml", "--port", "8080"), args);
      }
    }
    assertEquals(new TreeSet<>(FUNCTIONS), functions);
  }

  @Test
  void theCatalogueIsMountedAndNamesOnlyServicesThatExist() throws IOException {
    Doc edge = ofKind("Deployment").stream().filter(d -> d.name().equals("edge")).findFirst().orElseThrow();
    JsonNode pod = edge.node().path("spec").path("template").path("spec");
    JsonNode mount = null;
    for (JsonNode m : containers(edge).get(0).path("volumeMounts")) {
      if (m.path("mountPath").asString().equals("/etc/chainmesh")) {
        mount = m;
      }
    }
    assertNotNull(mount, "the catalogue directory /etc/chainmesh is mounted");
    assertFalse(mount.has("subPath"), "no subPath: a subPath mount never sees ConfigMap updates, so no reload");
    String volumeName = mount.path("name").asString();
    String configMapName = null;
    for (JsonNode v : pod.path("volumes")) {
      if (v.path("name").asString().equals(volumeName)) {
        configMapName = v.path("configMap").path("name").asString();
      }
    }
    String cm = configMapName;
    Doc configMap = ofKind("ConfigMap").stream().filter(c -> c.name().equals(cm)).findFirst()
        .orElseThrow(() -> new AssertionError("the catalogue ConfigMap " + cm));
    String chainsYaml = configMap.node().path("data").path("chains.yaml").asString("");
    assertFalse(chainsYaml.isEmpty(), "chains.yaml in " + configMap);

    JsonNode catalogue = YAML.readTree(chainsYaml);
    Set<String> services = ofKind("Service").stream().map(Doc::name).collect(Collectors.toSet());
    Set<String> declared = new TreeSet<>();
    catalogue.path("services").forEach(s -> declared.add(s.asString()));
    assertEquals(new TreeSet<>(FUNCTIONS), declared, "the catalogue declares the shop's services");
    List<String> chainNames = new ArrayList<>();
    Set<String> returnModes = new HashSet<>();
    for (JsonNode chain : catalogue.path("chains")) {
      chainNames.add(chain.path("name").asString());
      returnModes.add(chain.path("returnMode").asString(catalogue.path("defaults").path("returnMode").asString("sync")));
      for (JsonNode segment : chain.path("segments")) {
        String service = segment.isString() ? segment.asString().split("/")[0] : segment.path("service").asString();
        assertTrue(services.contains(service), "chain " + chain.path("name") + " names " + service
            + ", which has no Service");
      }
    }
    assertTrue(chainNames.containsAll(List.of("quote", "checkout")), "quote and checkout: " + chainNames);
    assertEquals(Set.of("sync", "async"), returnModes, "sync chains and an async one");
  }

  @Test
  void kustomizeBuildsTheManifestsWhenKubectlIsAtHand() throws IOException, InterruptedException {
    Path kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .map(p -> Path.of(p, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(kubectl != null, "kubectl is not on the PATH");
    Process p = new ProcessBuilder(kubectl.toString(), "kustomize", DIR.toString()).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "kubectl kustomize finished");
    String rendered = new String(output, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), rendered);
    List<Doc> built = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(rendered)) {
      it.forEachRemaining(n -> built.add(new Doc(DIR, n)));
    }
    assertEquals(docs.size() - 1, built.size(), "every resource, and the kustomization itself not");
    String namespace = only("Kustomization").node().path("namespace").asString();
    for (Doc d : built) {
      if (!d.kind().equals("Namespace")) {
        assertEquals(namespace, d.node().path("metadata").path("namespace").asString(), d.toString());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  static List<Doc> ofKind(String kind) {
    return docs.stream().filter(d -> d.kind().equals(kind)).toList();
  }

  static Doc only(String kind) {
    List<Doc> found = ofKind(kind);
    assertEquals(1, found.size(), "one " + kind + ": " + found);
    return found.get(0);
  }

  static List<JsonNode> containers(Doc d) {
    List<JsonNode> result = new ArrayList<>();
    d.node().path("spec").path("template").path("spec").path("containers").forEach(result::add);
    assertFalse(result.isEmpty(), d + ": containers");
    return result;
  }

  static Map<String, String> strings(JsonNode object) {
    Map<String, String> map = new LinkedHashMap<>();
    object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asString()));
    return map;
  }

  static List<String> texts(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(n -> list.add(n.asString()));
    return list;
  }

  static long mebibytes(String quantity) {
    if (quantity.endsWith("Gi")) {
      return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
    }
    if (quantity.endsWith("Mi")) {
      return Long.parseLong(quantity.substring(0, quantity.length() - 2));
    }
    throw new AssertionError("write memory in Mi or Gi: " + quantity);
  }
}
