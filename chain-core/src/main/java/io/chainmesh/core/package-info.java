/**
 * The chain descriptor and everything needed to carry it safely between hops: the immutable model
 * ({@link io.chainmesh.core.ChainDescriptor}, {@link io.chainmesh.core.Segment},
 * {@link io.chainmesh.core.RouteRecord}), the signed wire form ({@link io.chainmesh.core.ChainCodec}),
 * keys ({@link io.chainmesh.core.KeyRing}), limits ({@link io.chainmesh.core.DecodeLimits}), the
 * JSON form for people ({@link io.chainmesh.core.ChainJson}) and the one exception type
 * ({@link io.chainmesh.core.ChainException}) with its stable {@link io.chainmesh.core.Reason} codes.
 *
 * <p>All parameters and return values are non-null unless documented otherwise; values that may be
 * absent in the domain are {@link java.util.Optional}.
 */
package io.chainmesh.core;
