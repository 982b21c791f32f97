/**
 * The {@code chain-cli} command line: decode, verify, sign and send chain descriptors, and show
 * the route a chain took. {@link io.chainmesh.cli.ChainCli} is the only public type; everything
 * else is the command line's own machinery and may change any day.
 *
 * <p>Non-null by default: parameters and return values are never {@code null} unless documented.
 */
package io.chainmesh.cli;
