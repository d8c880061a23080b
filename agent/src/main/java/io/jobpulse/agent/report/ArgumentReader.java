package io.jobpulse.agent.report;

import io.jobpulse.agent.instrument.preset.PropertyReader;
import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.contract.ValuePath;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a {@link ValuePath} from a run's arguments, on the reporter thread: a getter ({@code
 * getX}, {@code isX}), a no-argument method {@code x()}, or a field {@code x}, in that order. The
 * accessor found for a class and property is cached (per class, so unloading is not prevented);
 * what cannot be read is logged once and yields {@code null}.
 */
final class ArgumentReader implements PropertyReader {

  /** How a property is read from an instance of one class. */
  private interface Accessor {
    Object read(Object target) throws ReflectiveOperationException;
  }

  private static final Accessor NONE = target -> null;

  private final ClassValue<Map<String, Accessor>> accessors =
      new ClassValue<Map<String, Accessor>>() {
        @Override
        protected Map<String, Accessor> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  /** The value at {@code path}, or {@code null} when it is null or cannot be read. */
  @Override
  public Object read(ValuePath path, Object[] arguments) {
    if (path.argumentIndex() >= arguments.length) {
      AgentLog.warnOnce("path:" + path, "cannot extract " + path + ": the method has only " + arguments.length + " argument(s)");
      return null;
    }
    Object value = arguments[path.argumentIndex()];
    for (String property : path.properties()) {
      if (value == null) {
        return null;
      }
      Class<?> type = value.getClass();
      Accessor accessor = accessors.get(type).computeIfAbsent(property, p -> find(type, p));
      if (accessor == NONE) {
        AgentLog.warnOnce("property:" + type.getName() + "." + property, "cannot extract " + path + ": " + type.getName() + " has no getter, method or field '" + property + "'");
        return null;
      }
      try {
        value = accessor.read(value);
      } catch (InvocationTargetException e) {
        // The application's getter threw: its own exception says why.
        AgentLog.failure("extracting " + path + " (" + type.getName() + "." + property + " threw)", e.getCause() == null ? e : e.getCause());
        return null;
      } catch (ReflectiveOperationException | RuntimeException e) {
        AgentLog.failure("extracting " + path, e);
        return null;
      }
    }
    return value;
  }

  private static Accessor find(Class<?> type, String property) {
    String capitalized = Character.toUpperCase(property.charAt(0)) + property.substring(1);
    for (String name : new String[] {"get" + capitalized, "is" + capitalized, property}) {
      Method method = method(type, name);
      if (method != null) {
        return method::invoke;
      }
    }
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (field.getName().equals(property) && !Modifier.isStatic(field.getModifiers()) && accessible(field)) {
          return field::get;
        }
      }
    }
    return NONE;
  }

  private static Method method(Class<?> type, String name) {
    try {
      Method method = type.getMethod(name);
      if (method.getReturnType() != void.class && accessible(method)) {
        return method;
      }
    } catch (NoSuchMethodException e) {
      // not public: look among the declared methods below
    }
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Method method : c.getDeclaredMethods()) {
        if (method.getName().equals(name) && method.getParameterCount() == 0 && method.getReturnType() != void.class
            && !Modifier.isStatic(method.getModifiers()) && accessible(method)) {
          return method;
        }
      }
    }
    return null;
  }

  /** Public members of non-public classes need this too; modules may refuse it. */
  private static boolean accessible(AccessibleObject member) {
    try {
      return member.trySetAccessible();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
