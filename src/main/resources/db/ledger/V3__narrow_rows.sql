-- Narrow rows: a job's request (the job as read, as validated and as sent, inline images included) is written once,
-- when the job is admitted or run again, in a table of its own; each change of the job's state after that rewrites a
-- few columns of ledger_job and a small JSON of what changed (RunPod's answer, the kept image, the dates).
CREATE TABLE ledger_request (
    source  VARCHAR(100) NOT NULL,
    job_id  VARCHAR(255) NOT NULL,
    request TEXT         NOT NULL,
    CONSTRAINT ledger_request_key PRIMARY KEY (source, job_id)
);

-- What a job's state says beyond its request. A row written before this version has everything in state (and no
-- ledger_request row); it is read as it is, and its next change goes here.
ALTER TABLE ledger_job ADD COLUMN progress TEXT;
ALTER TABLE ledger_job ALTER COLUMN state DROP NOT NULL;

-- Every query on the owner filters on unfinished phases too, which ledger_job_lease (phase, lease_until) serves; this
-- index was rewritten at every change of phase.
DROP INDEX ledger_job_owner;
