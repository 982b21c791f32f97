/**
 * Benchmarks: the JMH per-hop micro benchmark ({@link io.chainmesh.bench.HopBenchmark}), the loopback
 * load driver against hand-written baselines ({@link io.chainmesh.bench.LoadDriver}) and the header
 * size comparison with SRH and NSH ({@link io.chainmesh.bench.HeaderSize}). Figures and commands are
 * in docs/performance.md. Everything is non-null unless documented otherwise.
 */
package io.chainmesh.bench;
