/**
 * The edge's implementation: the located YAML reader and catalogue compiler, path patterns, the
 * request pipeline, async parking, catalogue watching and the admin endpoint. Not API: may change in
 * any release.
 */
package io.chainmesh.edge.internal;
