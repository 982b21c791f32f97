package io.chainmesh.http.internal;

import io.chainmesh.core.internal.Syntax;
import io.chainmesh.http.Argument;
import io.chainmesh.http.ChainContext;
import io.chainmesh.http.ChainFunction;
import io.chainmesh.http.Forwarder;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code @ChainFunction} methods of a hop, scanned once. Every misuse is reported here, at
 * build time, with the class, method and parameter named (Retrofit's {@code methodError} style).
 */
public final class FunctionTable {
  private final Map<String, HandlerMethod> functions;

  private FunctionTable(Map<String, HandlerMethod> functions) {
    this.functions = functions;
  }

  /**
   * Scans {@code targets} for {@code @ChainFunction} methods.
   *
   * @throws IllegalArgumentException naming the class, method and parameter of the first misuse,
   *     or when no target has any chain function
   */
  public static FunctionTable scan(List<Object> targets) {
    Map<String, HandlerMethod> functions = new LinkedHashMap<>();
    for (Object target : targets) {
      Class<?> type = target.getClass();
      for (Method method : type.getMethods()) {
        ChainFunction annotation = method.getAnnotation(ChainFunction.class);
        // javac copies annotations onto bridge methods (generic interfaces, covariant overrides):
        // the real method is scanned, its bridge would be a duplicate taking Object.
        if (annotation == null || method.isBridge()) {
          continue;
        }
        HandlerMethod handler = analyse(target, method, annotation.value());
        HandlerMethod previous = functions.putIfAbsent(handler.name(), handler);
        if (previous != null) {
          throw methodError(method, "function name \"" + handler.name() + "\" is already used by "
              + previous.description());
        }
      }
      for (Method method : type.getDeclaredMethods()) {
        if (method.isAnnotationPresent(ChainFunction.class) && !Modifier.isPublic(method.getModifiers())) {
          throw methodError(method, "must be public");
        }
      }
    }
    if (functions.isEmpty()) {
      throw new IllegalArgumentException("no @ChainFunction method found on "
          + targets.stream().map(t -> t.getClass().getName()).toList());
    }
    return new FunctionTable(Collections.unmodifiableMap(functions));
  }

  /** The function called {@code name}, if this hop has one. */
  public Optional<HandlerMethod> find(String name) {
    return Optional.ofNullable(functions.get(name));
  }

  /** All function names. */
  public java.util.Set<String> names() {
    return functions.keySet();
  }

  private static HandlerMethod analyse(Object target, Method method, String name) {
    String problem = Syntax.tokenProblem(name, Syntax.MAX_DNS_LABEL);
    if (problem != null) {
      throw methodError(method, "function name \"" + name + "\" " + problem);
    }
    Parameter[] params = method.getParameters();
    Type[] generic = method.getGenericParameterTypes();
    HandlerMethod.Kind[] kinds = new HandlerMethod.Kind[params.length];
    String[] argumentNames = new String[params.length];
    Type bodyType = null;
    int bodyIndex = -1;
    for (int i = 0; i < params.length; i++) {
      Class<?> raw = params[i].getType();
      Argument argument = params[i].getAnnotation(Argument.class);
      HandlerMethod.Kind kind;
      if (argument != null) {
        if (raw == String.class) {
          kind = HandlerMethod.Kind.ARGUMENT;
        } else if (raw == Optional.class && isOptionalOfString(generic[i])) {
          kind = HandlerMethod.Kind.OPTIONAL_ARGUMENT;
        } else {
          throw parameterError(method, i, "@Argument binds only String or Optional<String>");
        }
        argumentNames[i] = argument.value();
      } else if (raw == ChainContext.class) {
        kind = HandlerMethod.Kind.CONTEXT;
      } else if (raw == Forwarder.class) {
        kind = HandlerMethod.Kind.FORWARDER;
      } else if (raw == byte[].class) {
        kind = HandlerMethod.Kind.BODY_BYTES;
      } else if (raw == String.class) {
        kind = HandlerMethod.Kind.BODY_STRING;
      } else if (raw == InputStream.class) {
        kind = HandlerMethod.Kind.BODY_STREAM;
      } else if (raw.isPrimitive() || raw == Optional.class || isChainmeshApiType(raw)) {
        throw parameterError(method, i, "is not a type chainmesh can bind (body: byte[], String, InputStream"
            + " or a JSON object type; also ChainContext, Forwarder, @Argument String)");
      } else {
        kind = HandlerMethod.Kind.BODY_OBJECT;
        bodyType = generic[i];
      }
      boolean isBody = kind == HandlerMethod.Kind.BODY_BYTES || kind == HandlerMethod.Kind.BODY_STRING
          || kind == HandlerMethod.Kind.BODY_STREAM || kind == HandlerMethod.Kind.BODY_OBJECT;
      if (isBody) {
        if (bodyIndex >= 0) {
          throw parameterError(method, i, "is a second body parameter (parameter " + (bodyIndex + 1)
              + " already takes the body)");
        }
        bodyIndex = i;
      }
      kinds[i] = kind;
    }
    boolean returnsVoid = method.getReturnType() == void.class;
    if (returnsVoid && bodyIndex >= 0 && kinds[bodyIndex] == HandlerMethod.Kind.BODY_STREAM) {
      throw methodError(method, "returns void but reads the body as an InputStream, so the body cannot be"
          + " forwarded unchanged; return the InputStream (or a new body) instead");
    }
    if (method.getReturnType().isPrimitive() && !returnsVoid) {
      throw methodError(method, "returns a primitive; return byte[], String, InputStream, ChainReply, an"
          + " object written as JSON, or void");
    }
    MethodHandle handle;
    try {
      method.setAccessible(true);
      handle = MethodHandles.lookup().unreflect(method);
    } catch (IllegalAccessException | RuntimeException e) {
      throw methodError(method, "cannot be accessed (" + e.getMessage() + "); make its class public");
    }
    if (!Modifier.isStatic(method.getModifiers())) {
      handle = handle.bindTo(target);
    }
    MethodHandle invoker = handle
        .asSpreader(Object[].class, params.length)
        .asType(MethodType.methodType(Object.class, Object[].class));
    return new HandlerMethod(name, method.getDeclaringClass().getSimpleName() + "." + method.getName(),
        invoker, kinds, argumentNames, bodyType, returnsVoid);
  }

  private static boolean isChainmeshApiType(Class<?> type) {
    String pkg = type.getPackageName();
    return pkg.equals("io.chainmesh.core") || pkg.equals("io.chainmesh.http");
  }

  private static boolean isOptionalOfString(Type type) {
    return type instanceof ParameterizedType p && p.getActualTypeArguments()[0] == String.class;
  }

  private static IllegalArgumentException methodError(Method method, String message) {
    return new IllegalArgumentException("@ChainFunction method " + method.getDeclaringClass().getSimpleName()
        + "." + method.getName() + ": " + message);
  }

  private static IllegalArgumentException parameterError(Method method, int index, String message) {
    return methodError(method, "parameter " + (index + 1) + " ("
        + method.getParameterTypes()[index].getSimpleName() + ") " + message);
  }
}
