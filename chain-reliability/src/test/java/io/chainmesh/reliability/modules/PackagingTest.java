package io.chainmesh.reliability.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.RuntimeVersion;
import io.chainmesh.cli.ChainCli;
import io.chainmesh.edge.ChainEdge;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import javax.xml.parsers.DocumentBuilderFactory;
import okhttp3.OkHttp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What users get besides the classes: the runnable jars (chain-edge.jar, chain-cli.jar) carry the
 * licence and notice texts of what they bundle, and chain-bom names every published module and the
 * third-party versions the build itself runs with.
 */
class PackagingTest {

  @Test
  void runnableJarsKeepTheNoticesOfEveryBundledLibrary() throws IOException {
    for (Path jar : runnableJars()) {
      String notice = entry(jar, "META-INF/NOTICE");
      // jackson-annotations (2.x) and jackson-core/databind (3.x) each ship a NOTICE of their own.
      assertTrue(notice.contains("Jackson 2.x core"), jar + ": jackson-annotations' notice is missing:\n" + notice);
      assertTrue(notice.contains("Jackson 3.x core"), jar + ": Jackson 3's notice is missing:\n" + notice);
    }
  }

  @Test
  void runnableJarsKeepTheLicenceTextsOfEveryBundledLibrary() throws IOException {
    for (Path jar : runnableJars()) {
      assertTrue(entry(jar, "META-INF/LICENSE").contains("Apache License"), jar + ": Jackson's licence");
      assertTrue(entry(jar, "META-INF/LICENSE.txt").contains("Permission is hereby granted"),
          jar + ": SLF4J's MIT licence");
    }
  }

  @Test
  void runnableJarsCarryNoModuleDescriptor() throws IOException {
    for (Path jar : runnableJars()) {
      try (JarFile file = new JarFile(jar.toFile())) {
        List<String> descriptors = file.stream().map(ZipEntry::getName)
            .filter(n -> n.equals("module-info.class") || n.matches("META-INF/versions/\\d+/module-info\\.class"))
            .toList();
        assertEquals(List.of(), descriptors, jar + " would be read as one named module on the module path");
      }
    }
  }

  @Test
  void bomManagesEveryPublishedModule() throws Exception {
    Set<String> chainmesh = new TreeSet<>();
    for (Element dependency : managedDependencies()) {
      if (text(dependency, "groupId").equals("io.chainmesh")) {
        chainmesh.add(text(dependency, "artifactId"));
        assertEquals("${project.version}", text(dependency, "version"));
      }
    }
    assertEquals(Set.of("chain-core", "chain-http", "chain-edge", "chain-cli"), chainmesh);
  }

  @Test
  void bomVersionsAreTheVersionsTheBuildRunsWith() throws Exception {
    Map<String, String> managed = new TreeMap<>();
    for (Element dependency : managedDependencies()) {
      managed.put(text(dependency, "groupId") + ":" + text(dependency, "artifactId"),
          property(text(dependency, "version")));
    }
    assertEquals(RuntimeVersion.MAJOR + "." + RuntimeVersion.MINOR + "." + RuntimeVersion.PATCH,
        managed.get("com.google.protobuf:protobuf-java"));
    assertEquals(OkHttp.VERSION, managed.get("com.squareup.okhttp3:okhttp-jvm"));
    assertEquals(tools.jackson.databind.cfg.PackageVersion.VERSION.toString(), managed.get("tools.jackson:jackson-bom"));
    assertNotNull(managed.get("com.squareup.okio:okio-jvm"));
    assertNotNull(managed.get("org.jetbrains.kotlin:kotlin-stdlib"));
  }

  // --- helpers --------------------------------------------------------------------------------------

  /** chain-edge.jar and chain-cli.jar, beside the module jars (the package phase makes them). */
  private static List<Path> runnableJars() {
    List<Path> jars = new ArrayList<>();
    for (Map.Entry<String, Class<?>> module : Map.of("chain-edge", ChainEdge.class, "chain-cli", ChainCli.class)
        .entrySet()) {
      Path target = location(module.getValue()).getParent();
      Path jar = target.resolve(module.getKey() + ".jar");
      Assumptions.assumeTrue(Files.isRegularFile(jar), jar + " is not built (run the package phase)");
      jars.add(jar);
    }
    return jars;
  }

  private static String entry(Path jar, String name) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      ZipEntry entry = file.getEntry(name);
      assertNotNull(entry, jar + " has no " + name);
      return new String(file.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Path location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Document bom;

  private static Document bom() throws Exception {
    if (bom == null) {
      // chain-reliability's working directory is its base directory (surefire's default).
      Path pom = Path.of("").toAbsolutePath().resolveSibling("chain-bom").resolve("pom.xml");
      bom = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder().parse(pom.toFile());
    }
    return bom;
  }

  private static List<Element> managedDependencies() throws Exception {
    Element management = (Element) bom().getDocumentElement().getElementsByTagName("dependencyManagement").item(0);
    NodeList nodes = management.getElementsByTagName("dependency");
    List<Element> dependencies = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      dependencies.add((Element) nodes.item(i));
    }
    return dependencies;
  }

  /** {@code ${name}} resolved against the BOM's properties; other text unchanged. */
  private static String property(String value) throws Exception {
    if (!value.startsWith("${")) {
      return value;
    }
    String name = value.substring(2, value.length() - 1);
    Node properties = bom().getDocumentElement().getElementsByTagName("properties").item(0);
    return text((Element) properties, name);
  }

  private static String text(Element parent, String child) {
    NodeList nodes = parent.getElementsByTagName(child);
    return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
  }
}
