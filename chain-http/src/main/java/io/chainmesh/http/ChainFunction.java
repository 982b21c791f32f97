package io.chainmesh.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method as a chain function: the code a hop runs when the current segment names it.
 *
 * <p>Parameters are bound by type, decided once when the {@link ChainHop} is built:
 * <ul>
 *   <li>at most one body parameter: {@code byte[]}, {@code String} (UTF-8), {@code InputStream}
 *       (streamed, not buffered) or any other type, read from JSON with Jackson;
 *   <li>{@link ChainContext}: the descriptor as this hop sees it;
 *   <li>{@link Forwarder}: to forward explicitly, insert a sub-chain or add context;
 *   <li>{@code String} annotated {@link Argument @Argument("name")}: a segment argument.
 * </ul>
 * The return value is the body sent on to the next hop (same types as a body parameter, a POJO
 * written as JSON), or a {@link ChainReply} (to end the chain early, or the reply that
 * {@link Forwarder#forward} returned), or {@code void} to forward the request body unchanged.
 *
 * <p>Misuse — an unsupported parameter type, two body parameters, a duplicate function name, a
 * non-public method — fails {@link ChainHop.Builder#build()} with a message naming the class,
 * method and parameter.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ChainFunction {
  /** The function name segments use to address it: a token of letters, digits, '.', '_', '-'. */
  String value();
}
