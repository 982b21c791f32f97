package io.chainmesh.edge;

import java.util.List;
import java.util.Objects;

/**
 * A catalogue that does not load: every problem found, each naming the file, line, column and
 * field at fault, e.g.
 * <pre>chains.yaml:14:11: chains[1].segments[2].service: unknown service "pricing"; the catalogue's services are [fraud, price, validate]</pre>
 *
 * <p>Thrown by {@link Catalogue.Loader}, {@link ChainEdge.Builder#start()} and
 * {@link ChainEdge#reload()}; a rejected reload leaves the catalogue in force unchanged.
 */
public final class CatalogueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The problems, in document order. */
  private final List<Problem> problems;

  /**
   * A failure made of {@code problems}.
   *
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public CatalogueException(List<Problem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems found, in document order; at least one. */
  public List<Problem> problems() {
    return problems;
  }

  private static String render(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a catalogue failure needs at least one problem");
    }
    if (problems.size() == 1) {
      return problems.get(0).toString();
    }
    StringBuilder sb = new StringBuilder(problems.size() + " problems in the catalogue:");
    for (Problem p : problems) {
      sb.append("\n  ").append(p);
    }
    return sb.toString();
  }

  /** One thing wrong in a catalogue, and where. Immutable. */
  public static final class Problem implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String field;
    private final String message;

    /**
     * A problem in {@code source} at {@code line}:{@code column} (1-based; 0 when unknown), in
     * {@code field} (a path such as {@code chains[1].segments[2].service}; empty for the whole
     * document).
     */
    public Problem(String source, int line, int column, String field, String message) {
      this.source = Objects.requireNonNull(source, "source");
      this.line = line;
      this.column = column;
      this.field = Objects.requireNonNull(field, "field");
      this.message = Objects.requireNonNull(message, "message");
    }

    /** The file name (or the name given to text parsed from memory). */
    public String source() {
      return source;
    }

    /** The 1-based line; 0 when unknown. */
    public int line() {
      return line;
    }

    /** The 1-based column; 0 when unknown. */
    public int column() {
      return column;
    }

    /** The field path, e.g. {@code chains[1].segments[2].service}; empty for the whole document. */
    public String field() {
      return field;
    }

    /** What is wrong. */
    public String message() {
      return message;
    }

    /** {@code source:line:column: field: message}. */
    @Override
    public String toString() {
      return source + ":" + line + ":" + column + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
  }
}
