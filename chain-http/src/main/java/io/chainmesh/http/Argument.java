package io.chainmesh.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a {@code String} or {@code Optional<String>} parameter of a {@link ChainFunction} to an
 * argument of the current segment (the {@code ARG} of SRv6's {@code LOC:FUNCT:ARG}). When a plain
 * {@code String} parameter's argument is absent, the hop refuses the request with
 * {@code segment.missing_argument} and does not run the function.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Argument {
  /** The argument's key in the segment. */
  String value();
}
