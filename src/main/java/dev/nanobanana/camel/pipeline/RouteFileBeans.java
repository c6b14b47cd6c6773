package dev.nanobanana.camel.pipeline;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.ContextServicePlugin;

/**
 * Binds the beans that the route files of {@code routes/} name, in every CamelContext with the library on its
 * classpath, before its routes are created: a copy of {@code routes/inbox.camel.yaml} then starts in an application
 * whose pipeline a kamelet adds, which it does only after the application's routes are created. Camel finds this
 * class through {@code META-INF/services}.
 */
public class RouteFileBeans implements ContextServicePlugin {

    @Override
    public void load(CamelContext context) {
        bindFileClaims(context);
    }

    static void bindFileClaims(CamelContext context) {
        if (context.getRegistry().lookupByName(PipelineBeans.FILE_CLAIMS) == null) {
            context.getRegistry().bind(PipelineBeans.FILE_CLAIMS, new PipelineFileClaims(context));
        }
    }
}
