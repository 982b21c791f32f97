package io.chainmesh.reliability.fuzz;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * How many tries a fuzz property runs: {@link #tries()} in the default suite, {@link #longTries()}
 * when the system property {@code reliability.long} is {@code true}. {@link FuzzTries} sets the
 * count and fails the property if fewer tries ran.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@AddLifecycleHook(FuzzTries.class)
@interface FuzzBudget {
  int tries();

  int longTries();
}
