package dev.nanobanana.camel.source;

import com.jcraft.jsch.ChannelSftp;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileExclusiveReadLockStrategy;
import org.apache.camel.component.file.GenericFileOperations;
import org.apache.camel.component.file.remote.RemoteFileEndpoint;
import org.apache.camel.component.file.remote.strategy.SftpChangedExclusiveReadLockStrategy;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read lock of an SFTP inbox: a file is taken once it is claimed in the endpoint's {@code idempotentRepository}
 * (the ledger's file claims, so that two instances never take the same file) and then once it has not changed for
 * {@code readLockMinAge} (so that a file still being uploaded is not read half-way). camel-ftp has no
 * {@code readLock=idempotent-changed} of its own: it takes that value for no read lock at all. Set as the endpoint's
 * {@code exclusiveReadLockStrategy}; it reads the endpoint's {@code readLock*} options.
 */
public class SftpReadLock implements GenericFileExclusiveReadLockStrategy<ChannelSftp.LsEntry> {

    private static final Logger LOG = LoggerFactory.getLogger(SftpReadLock.class);

    private final SftpChangedExclusiveReadLockStrategy unchanged = new SftpChangedExclusiveReadLockStrategy();
    private IdempotentRepository claims;
    private String server;
    private boolean removeOnCommit;
    private boolean removeOnRollback;

    @Override
    public void prepareOnStartup(GenericFileOperations<ChannelSftp.LsEntry> operations,
            GenericFileEndpoint<ChannelSftp.LsEntry> endpoint) throws Exception {
        claims = endpoint.getIdempotentRepository();
        if (claims == null) {
            throw new IllegalArgumentException(endpoint + ": SftpReadLock needs the endpoint's idempotentRepository, "
                                               + "such as #nanobananaFileClaims");
        }
        server = ((RemoteFileEndpoint<?>) endpoint).getServiceUrl();
        removeOnCommit = endpoint.isReadLockRemoveOnCommit();
        removeOnRollback = endpoint.isReadLockRemoveOnRollback();
        unchanged.setMinAge(endpoint.getReadLockMinAge());
        unchanged.setMinLength(endpoint.getReadLockMinLength());
        unchanged.setTimeout(endpoint.getReadLockTimeout());
        unchanged.setCheckInterval(endpoint.getReadLockCheckInterval());
        unchanged.setReadLockLoggingLevel(endpoint.getReadLockLoggingLevel());
        if (endpoint instanceof RemoteFileEndpoint<?> remote) {
            unchanged.setFastExistsCheck(remote.isFastExistsCheck());
        }
        unchanged.prepareOnStartup(operations, endpoint);
    }

    @Override
    public boolean acquireExclusiveReadLock(GenericFileOperations<ChannelSftp.LsEntry> operations,
            GenericFile<ChannelSftp.LsEntry> file, Exchange exchange) throws Exception {
        String key = key(file);
        if (!claims.add(exchange, key)) {
            LOG.debug("{} is claimed by another instance: skipped", key);
            return false;
        }
        boolean settled = false;
        try {
            // another instance may have finished the file, and moved it, since this one listed the folder
            settled = operations.existsFile(file.getAbsoluteFilePath())
                      && unchanged.acquireExclusiveReadLock(operations, file, exchange);
            return settled;
        } finally {
            if (!settled) {
                claims.remove(exchange, key);
            }
        }
    }

    @Override
    public void releaseExclusiveReadLockOnAbort(GenericFileOperations<ChannelSftp.LsEntry> operations,
            GenericFile<ChannelSftp.LsEntry> file, Exchange exchange) throws Exception {
        // the file was not worked on: anyone may take it
        claims.remove(exchange, key(file));
    }

    @Override
    public void releaseExclusiveReadLockOnRollback(GenericFileOperations<ChannelSftp.LsEntry> operations,
            GenericFile<ChannelSftp.LsEntry> file, Exchange exchange) throws Exception {
        release(exchange, key(file), removeOnRollback);
    }

    @Override
    public void releaseExclusiveReadLockOnCommit(GenericFileOperations<ChannelSftp.LsEntry> operations,
            GenericFile<ChannelSftp.LsEntry> file, Exchange exchange) throws Exception {
        release(exchange, key(file), removeOnCommit);
    }

    private void release(Exchange exchange, String key, boolean remove) {
        if (remove) {
            claims.remove(exchange, key);
        } else {
            claims.confirm(exchange, key);
        }
    }

    /** The same on every instance that reads this server's folder. */
    private String key(GenericFile<ChannelSftp.LsEntry> file) {
        return server + "/" + file.getAbsoluteFilePath();
    }

    @Override
    public void setTimeout(long timeout) {
        // read from the endpoint at start
    }

    @Override
    public void setCheckInterval(long checkInterval) {
        // read from the endpoint at start
    }

    @Override
    public void setReadLockLoggingLevel(LoggingLevel readLockLoggingLevel) {
        // read from the endpoint at start
    }

    @Override
    public void setMarkerFiler(boolean markerFile) {
        // no marker files on the server
    }

    @Override
    public void setDeleteOrphanLockFiles(boolean deleteOrphanLockFiles) {
        // no marker files on the server
    }
}
