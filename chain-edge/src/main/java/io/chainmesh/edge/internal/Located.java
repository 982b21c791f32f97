package io.chainmesh.edge.internal;

/** Something with a place in a YAML document: a value or a key. */
public interface Located {
  /** 1-based line. */
  int line();

  /** 1-based column. */
  int column();
}
