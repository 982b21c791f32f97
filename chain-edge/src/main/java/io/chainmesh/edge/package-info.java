/**
 * The edge of a chain domain: {@link io.chainmesh.edge.ChainEdge} matches requests against a YAML
 * {@link io.chainmesh.edge.Catalogue}, starts signed chains, waits for asynchronous replies and checks
 * each answer's {@link io.chainmesh.edge.ProofOfTransit}; {@link io.chainmesh.edge.EdgeMain} runs it
 * standalone.
 *
 * <p>All parameters and return values are non-null unless documented otherwise.
 */
package io.chainmesh.edge;
