package dev.nanobanana.camel.sink;

import java.io.IOException;
import java.nio.file.Files;

import org.apache.camel.Endpoint;
import org.apache.camel.EndpointAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.apache.camel.component.file.remote.RemoteFileEndpoint;
import org.apache.camel.component.file.remote.RemoteFileOperations;

/**
 * Removes a file from a folder endpoint ({@code file:}, {@code sftp:}, {@code ftp:}) with that endpoint's own settings:
 * Camel's file producers only write. In a route file, it removes the file named by {@code CamelFileName} through the
 * endpoint of the step whose id it is given, so that the server, the credentials and the host key are written once,
 * at that step.
 */
public final class FileRemoval implements Processor {

    private final String step;

    /** @param step the id of a {@code to} step that writes to a folder endpoint, in any route of the context */
    public FileRemoval(String step) {
        this.step = step;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        Endpoint endpoint = exchange.getContext().getProcessor(step) instanceof EndpointAware sender
                ? sender.getEndpoint() : null;
        if (!canRemoveFrom(endpoint)) {
            throw new IllegalStateException("no step \"" + step + "\" writing to a folder (file:, sftp: or ftp:) "
                                            + "to remove a file through");
        }
        remove(endpoint, exchange.getIn().getHeader(Exchange.FILE_NAME, String.class), exchange);
    }

    /** Whether {@link #remove} can remove a file from this endpoint. */
    public static boolean canRemoveFrom(Endpoint endpoint) {
        return endpoint instanceof FileEndpoint || endpoint instanceof RemoteFileEndpoint;
    }

    /**
     * Removes the file that the endpoint writes under {@code name}; one that is not there is removed already.
     *
     * @throws IOException if it is there and could not be removed, or the server could not be reached
     */
    public static void remove(Endpoint endpoint, String name, Exchange exchange) throws IOException {
        if (endpoint instanceof FileEndpoint folder) {
            Files.deleteIfExists(folder.getFile().toPath().resolve(name));
        } else if (endpoint instanceof RemoteFileEndpoint<?> server) {
            removeRemote(server, name, exchange);
        } else {
            throw new IllegalArgumentException("cannot remove files from " + endpoint);
        }
    }

    private static void removeRemote(RemoteFileEndpoint<?> server, String name, Exchange exchange)
            throws IOException {
        String directory = server.getConfiguration().getDirectory();
        String path = directory == null || directory.isEmpty() ? name : directory + "/" + name;
        RemoteFileOperations<?> operations;
        try {
            operations = server.createRemoteFileOperations();
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
        try {
            if (!operations.connect(server.getConfiguration(), exchange)) {
                throw new IOException("could not connect to the server");
            }
            boolean removed;
            try {
                removed = operations.deleteFile(path);
            } catch (GenericFileOperationFailedException e) {
                if (operations.existsFile(path)) {
                    throw e;
                }
                removed = true;
            }
            if (!removed && operations.existsFile(path)) {
                throw new IOException("the server did not remove " + path);
            }
        } catch (GenericFileOperationFailedException e) {
            throw new IOException(e.getCause() != null ? e.getMessage() + ": " + e.getCause().getMessage()
                    : e.getMessage(), e);
        } finally {
            disconnect(operations);
        }
    }

    private static void disconnect(RemoteFileOperations<?> operations) {
        try {
            operations.disconnect();
        } catch (GenericFileOperationFailedException e) {
            // the file is removed or not either way; a connection that does not close cleanly changes nothing
        }
    }
}
