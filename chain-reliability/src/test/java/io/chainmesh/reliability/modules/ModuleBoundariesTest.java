package io.chainmesh.reliability.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chainmesh.cli.ChainCli;
import io.chainmesh.core.ChainCodec;
import io.chainmesh.edge.ChainEdge;
import io.chainmesh.examples.ShopDemo;
import io.chainmesh.http.ChainServer;
import java.io.File;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Opens;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries, as built: every published module is a named JPMS module that exports its
 * API package to everyone and its internals only to the chainmesh modules built on them; the boundary
 * holds when the modules run on the module path; and an application module that opens what the README
 * says runs (the demo, as named modules).
 *
 * <p>The rest of the suite runs on the class path, where module descriptors are ignored (see the
 * parent pom's surefire configuration); this class is where the descriptors are enforced.
 */
class ModuleBoundariesTest {
  private static final String CORE = "io.chainmesh.core";
  private static final String HTTP = "io.chainmesh.http";
  private static final String EDGE = "io.chainmesh.edge";
  private static final String CLI = "io.chainmesh.cli";
  private static final String EXAMPLES = "io.chainmesh.examples";

  /** A class of each module, to find where the build put it (a jar, or target/classes). */
  private static final Map<String, Class<?>> MODULES = Map.of(
      CORE, ChainCodec.class,
      HTTP, ChainServer.class,
      EDGE, ChainEdge.class,
      CLI, ChainCli.class,
      EXAMPLES, ShopDemo.class);

  @Test
  void everyPublishedModuleIsANamedModule() {
    for (Map.Entry<String, Class<?>> module : MODULES.entrySet()) {
      ModuleDescriptor d = descriptor(module.getValue());
      assertEquals(module.getKey(), d.name(), "module name of " + location(module.getValue()));
      assertFalse(d.isOpen(), d.name() + " is an open module: every package would be open to reflection");
    }
  }

  @Test
  void onlyApiPackagesAreExportedToEveryone() {
    Map<String, Set<String>> expected = Map.of(
        CORE, Set.of("io.chainmesh.core"),
        HTTP, Set.of("io.chainmesh.http"),
        EDGE, Set.of("io.chainmesh.edge"),
        CLI, Set.of(),
        EXAMPLES, Set.of());
    for (Map.Entry<String, Class<?>> module : MODULES.entrySet()) {
      ModuleDescriptor d = descriptor(module.getValue());
      Set<String> unqualified = d.exports().stream().filter(e -> !e.isQualified()).map(Exports::source)
          .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(expected.get(d.name()), unqualified, d.name() + " exports to everyone");
      assertTrue(d.opens().stream().allMatch(Opens::isQualified),
          d.name() + " opens a package to everyone: " + d.opens());
    }
  }

  @Test
  void internalPackagesAreExportedOnlyToTheChainmeshModulesBuiltOnThem() {
    Map<String, Map<String, Set<String>>> expected = Map.of(
        CORE, Map.of("io.chainmesh.core.internal", Set.of(HTTP, EDGE, CLI),
            "io.chainmesh.core.internal.commandline", Set.of(EDGE, CLI)),
        HTTP, Map.of("io.chainmesh.http.internal", Set.of(EDGE)),
        EDGE, Map.of(),
        CLI, Map.of(),
        EXAMPLES, Map.of());
    for (Map.Entry<String, Class<?>> module : MODULES.entrySet()) {
      ModuleDescriptor d = descriptor(module.getValue());
      Map<String, Set<String>> qualified = new TreeMap<>();
      for (Exports e : d.exports()) {
        if (e.isQualified()) {
          qualified.put(e.source(), new TreeSet<>(e.targets()));
        }
      }
      assertEquals(expected.get(d.name()), qualified, d.name() + " exports by name");
    }
  }

  @Test
  void generatedProtobufClassesAreOpenOnlyToTheProtobufRuntime() {
    ModuleDescriptor core = descriptor(ChainCodec.class);
    Map<String, Set<String>> opens = core.opens().stream()
        .collect(Collectors.toMap(Opens::source, Opens::targets));
    assertEquals(Map.of("io.chainmesh.core.internal.proto", Set.of("com.google.protobuf")), opens);
    assertFalse(core.exports().stream().anyMatch(e -> e.source().equals("io.chainmesh.core.internal.proto")),
        "the generated protobuf classes are exported");
  }

  @Test
  void anInternalTypeIsOutOfReachOnTheModulePath() throws Exception {
    ModuleLayer layer = layerOf(Set.of(EDGE, CLI));
    Module http = layer.findModule(HTTP).orElseThrow();
    Module edge = layer.findModule(EDGE).orElseThrow();
    assertTrue(http.isExported("io.chainmesh.http"));
    assertFalse(http.isExported("io.chainmesh.http.internal"));
    assertTrue(http.isExported("io.chainmesh.http.internal", edge));

    // A public method of a public internal class: callable from the edge, not from this (unnamed) module.
    Method method = firstPublicMethodIn(http, "io.chainmesh.http.internal");
    InaccessibleObjectException refused = assertThrows(InaccessibleObjectException.class,
        () -> method.setAccessible(true));
    assertTrue(refused.getMessage().matches(
        "(?s).*module io\\.chainmesh\\.http does not \"exports io\\.chainmesh\\.http\\.internal\" to unnamed.*"),
        refused.getMessage());
  }

  @Test
  void theDemoRunsAsNamedModules() throws Exception {
    Configuration cf = resolve(Set.of(EXAMPLES));
    String modulePath = cf.modules().stream()
        .map(m -> Path.of(m.reference().location().orElseThrow()).toString())
        .collect(Collectors.joining(File.pathSeparator));
    Path out = Files.createTempFile("chainmesh-demo-modules", ".log");
    try {
      Process demo = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          "-Dorg.slf4j.simpleLogger.log.io.chainmesh.http.internal.HopPipeline=error",
          // No class path: the modules the demo resolves to, and nothing else, fill every need.
          "--module-path", modulePath,
          "--module", EXAMPLES + "/" + ShopDemo.class.getName())
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      boolean ended = demo.waitFor(120, TimeUnit.SECONDS);
      if (!ended) {
        demo.destroyForcibly();
      }
      String log = Files.readString(out, StandardCharsets.UTF_8);
      assertTrue(ended, "the demo did not end within 120 s:\n" + log);
      assertEquals(0, demo.exitValue(), "the demo on the module path failed:\n" + log);
      assertTrue(log.contains("All demo requests ended as expected."), log);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  // --- helpers --------------------------------------------------------------------------------------

  private static Path location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The descriptor the build wrote for the module holding {@code type}; fails if it has none. */
  private static ModuleDescriptor descriptor(Class<?> type) {
    Path where = location(type);
    Set<ModuleReference> found = ModuleFinder.of(where).findAll();
    assertEquals(1, found.size(), where + " holds " + found.size() + " modules");
    ModuleDescriptor d = found.iterator().next().descriptor();
    assertFalse(d.isAutomatic(), where + " has no module-info.class (read as the automatic module \""
        + d.name() + "\")");
    return d;
  }

  /**
   * Resolves {@code roots} and their service providers against the chainmesh modules and this test's
   * class path, every entry read as a module.
   */
  private static Configuration resolve(Set<String> roots) {
    Path[] entries = Stream.concat(
            MODULES.values().stream().map(ModuleBoundariesTest::location),
            Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of))
        .distinct().filter(Files::exists).toArray(Path[]::new);
    return ModuleLayer.boot().configuration()
        .resolveAndBind(ModuleFinder.of(entries), ModuleFinder.of(), roots);
  }

  private static ModuleLayer layerOf(Set<String> roots) {
    return ModuleLayer.boot().defineModulesWithOneLoader(resolve(roots), ClassLoader.getPlatformClassLoader());
  }

  private static Method firstPublicMethodIn(Module module, String pkg) throws IOException, ClassNotFoundException {
    ModuleReference ref = module.getLayer().configuration().findModule(module.getName()).orElseThrow().reference();
    List<String> classes;
    try (ModuleReader reader = ref.open(); Stream<String> names = reader.list()) {
      String dir = pkg.replace('.', '/') + "/";
      classes = names.filter(n -> n.startsWith(dir) && n.endsWith(".class")
              && n.indexOf('/', dir.length()) < 0 && !n.contains("$"))
          .sorted().toList();
    }
    for (String name : classes) {
      Class<?> type = Class.forName(pkg + "." + name.substring(pkg.length() + 1, name.length() - ".class".length()),
          false, module.getClassLoader());
      if (!Modifier.isPublic(type.getModifiers())) {
        continue;
      }
      Optional<Method> method = Arrays.stream(type.getDeclaredMethods())
          .filter(m -> Modifier.isPublic(m.getModifiers())).findFirst();
      if (method.isPresent()) {
        return method.get();
      }
    }
    throw new AssertionError("no public method of a public class in " + pkg);
  }
}
