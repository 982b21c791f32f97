/**
 * Chain-aware functions over HTTP. Annotate methods with {@link io.chainmesh.http.ChainFunction},
 * build a {@link io.chainmesh.http.ChainHop} from them, and serve it through the embedded
 * {@link io.chainmesh.http.ChainServer} or the {@link io.chainmesh.http.ChainServlet} of an existing
 * container: both doors feed the same hop pipeline (decode, verify, check, bind, invoke, advance,
 * resolve, forward, relay). {@link io.chainmesh.http.ChainClient} starts chains from application code.
 *
 * <p>All parameters and return values are non-null unless documented otherwise.
 */
package io.chainmesh.http;
