package io.alexnet.cluster;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * A Session that runs on a TensorFlow server ({@code grpc://host:port}) instead of in-process.
 * TF Java 1.1.0 has no public constructor for one; TF's C API does (TF_SetTarget on the session
 * options), and TF Java's own native bindings reach it. The rest goes through two package-private
 * members of org.tensorflow, by reflection: the graph's native handle and the constructor that
 * wraps a native session.
 *
 * <p>The session starts with the graph's initializers marked as run: in a cluster, the variables
 * live on the ps tasks and outlive any one worker, so only the chief initializes them, explicitly
 * ({@link Session#forceInitialize()}), and only when they are not initialized yet.
 */
public final class RemoteSession {
  private RemoteSession() {}

  public static Session open(Graph graph, String target, ConfigProto config) {
    TF_Session handle;
    Object ref = null;
    try (PointerScope scope = new PointerScope()) {
      Method refMethod = Graph.class.getDeclaredMethod("ref");
      refMethod.setAccessible(true);
      ref = refMethod.invoke(graph);
      Method nativeHandle = ref.getClass().getDeclaredMethod("nativeHandle");
      nativeHandle.setAccessible(true);
      TF_Graph g = (TF_Graph) nativeHandle.invoke(ref);
      TF_Status status = TF_Status.newStatus();
      TF_SessionOptions opts = TF_SessionOptions.newSessionOptions();
      TF_SetTarget(opts, target);
      if (config != null) {
        BytePointer bytes = new BytePointer(config.toByteArray());
        TF_SetConfig(opts, bytes, bytes.capacity(), status);
        status.throwExceptionIfNotOK();
      }
      handle = TF_Session.newSession(g, opts, status);
      status.throwExceptionIfNotOK();
      handle.retainReference();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this TensorFlow Java version does not have the internals"
          + " a cluster session needs (built for 1.1.0): " + e, e);
    } finally {
      if (ref instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception ignored) {
          // Closing a graph reference only drops a count.
        }
      }
    }
    try {
      Constructor<Session> wrap =
          Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
      wrap.setAccessible(true);
      Session s = wrap.newInstance(graph, handle);
      Method ran = Session.class.getDeclaredMethod("markAllInitializersAsRan");
      ran.setAccessible(true);
      ran.invoke(s);
      return s;
    } catch (ReflectiveOperationException e) {
      handle.releaseReference();
      throw new IllegalStateException("this TensorFlow Java version does not have the internals"
          + " a cluster session needs (built for 1.1.0): " + e, e);
    }
  }
}
