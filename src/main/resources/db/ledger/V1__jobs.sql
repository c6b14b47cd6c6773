-- The same statements run on H2 (the embedded default) and on PostgreSQL (several instances on one database).
-- Times are instants (WITH TIME ZONE), so instances in different time zones agree on leases and days.

-- One row per job a source took: the whole state as JSON, and beside it the columns that are queried.
CREATE TABLE ledger_job (
    source       VARCHAR(100)             NOT NULL,
    job_id       VARCHAR(255)             NOT NULL,
    phase        VARCHAR(20)              NOT NULL,
    -- SHA-256 (hex) of the request as written: the same id with another request is another job
    fingerprint  VARCHAR(64)              NOT NULL,
    runpod_id    VARCHAR(255),
    source_file  VARCHAR(4096),
    resolution   VARCHAR(16),
    cost_usd     NUMERIC(12, 6),
    owner        VARCHAR(255),
    lease_until  TIMESTAMP WITH TIME ZONE,
    received_at  TIMESTAMP WITH TIME ZONE,
    submitted_at TIMESTAMP WITH TIME ZONE,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE,
    -- what finishing the job needs after a restart: its sinks and its job file's folder
    route        TEXT                     NOT NULL,
    -- inline images make this large: TEXT is unbounded on PostgreSQL and up to 10^9 characters on H2
    state        TEXT                     NOT NULL,
    CONSTRAINT ledger_job_key PRIMARY KEY (source, job_id)
);

-- claiming the in-flight jobs of an instance that stopped renewing its leases
CREATE INDEX ledger_job_lease ON ledger_job (phase, lease_until);
-- renewing the leases an instance holds
CREATE INDEX ledger_job_owner ON ledger_job (owner, phase);
-- spending per day
CREATE INDEX ledger_job_submitted ON ledger_job (submitted_at);

-- The read locks of file consumers on several instances (camel-sql's JdbcOrphanLockAwareIdempotentRepository, which
-- names this table and its first three columns; FileClaims adds lockedBy). The key makes a second consumer's insert
-- fail rather than share a file; messageId is a file's absolute path, longer than camel-sql's default of 100.
CREATE TABLE CAMEL_MESSAGEPROCESSED (
    processorName VARCHAR(255)             NOT NULL,
    messageId     VARCHAR(1024)            NOT NULL,
    -- refreshed while the lock's consumer lives: older than the consumers' maxAge means abandoned
    createdAt     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the repository that holds the lock: it refreshes and releases its own locks only
    lockedBy      VARCHAR(64),
    CONSTRAINT camel_messageprocessed_key PRIMARY KEY (processorName, messageId)
);
