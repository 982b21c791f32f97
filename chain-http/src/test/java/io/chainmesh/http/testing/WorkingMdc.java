package io.chainmesh.http.testing;

import java.lang.reflect.Field;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;

/**
 * Gives a test class a working SLF4J MDC. The tests log through slf4j-simple, whose MDC is a no-op,
 * so {@code MDC.get} would always say null; this swaps in SLF4J's own thread-local adapter for the
 * class's tests and puts the original back afterwards. Use as {@code @ExtendWith(WorkingMdc.class)}.
 */
public final class WorkingMdc implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WorkingMdc.class);

  @Override
  public void beforeAll(ExtensionContext context) throws ReflectiveOperationException {
    MDCAdapter original = MDC.getMDCAdapter();
    context.getStore(NAMESPACE).put(MDCAdapter.class, original);
    if (original instanceof NOPMDCAdapter) {
      adapterField().set(null, new BasicMDCAdapter());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws ReflectiveOperationException {
    MDCAdapter original = context.getStore(NAMESPACE).get(MDCAdapter.class, MDCAdapter.class);
    adapterField().set(null, original);
  }

  private static Field adapterField() throws NoSuchFieldException {
    Field field = MDC.class.getDeclaredField("MDC_ADAPTER");
    field.setAccessible(true);
    return field;
  }
}
