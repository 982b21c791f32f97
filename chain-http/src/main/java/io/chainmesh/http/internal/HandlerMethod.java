package io.chainmesh.http.internal;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Type;

/**
 * One {@code @ChainFunction} method, analysed once when the hop is built: how to bind each
 * parameter and a method handle to invoke it, so nothing reflective runs per request.
 */
public final class HandlerMethod {
  /** How one parameter is bound. */
  public enum Kind { BODY_BYTES, BODY_STRING, BODY_STREAM, BODY_OBJECT, CONTEXT, FORWARDER, ARGUMENT, OPTIONAL_ARGUMENT }

  private final String name;
  private final String description;
  private final MethodHandle invoker;
  private final Kind[] kinds;
  private final String[] argumentNames;
  private final Type bodyType;
  private final boolean returnsVoid;

  HandlerMethod(String name, String description, MethodHandle invoker, Kind[] kinds, String[] argumentNames,
      Type bodyType, boolean returnsVoid) {
    this.name = name;
    this.description = description;
    this.invoker = invoker;
    this.kinds = kinds;
    this.argumentNames = argumentNames;
    this.bodyType = bodyType;
    this.returnsVoid = returnsVoid;
  }

  /** The function name. */
  public String name() {
    return name;
  }

  /** {@code Class.method}, for logs. */
  public String description() {
    return description;
  }

  /** Parameter kinds, in order. */
  public Kind[] kinds() {
    return kinds;
  }

  /** For ARGUMENT parameters, the argument key; null elsewhere. */
  public String argumentName(int index) {
    return argumentNames[index];
  }

  /** The declared type of the BODY_OBJECT parameter, or null. */
  public Type bodyType() {
    return bodyType;
  }

  /** The kind of body parameter, or null when the method takes no body. */
  public Kind bodyKind() {
    for (Kind k : kinds) {
      if (k == Kind.BODY_BYTES || k == Kind.BODY_STRING || k == Kind.BODY_STREAM || k == Kind.BODY_OBJECT) {
        return k;
      }
    }
    return null;
  }

  /** Whether the method returns {@code void}. */
  public boolean returnsVoid() {
    return returnsVoid;
  }

  /** Invokes the method with bound arguments; the method's own exceptions propagate unwrapped. */
  public Object invoke(Object[] arguments) throws Throwable {
    return invoker.invokeExact(arguments);
  }
}
