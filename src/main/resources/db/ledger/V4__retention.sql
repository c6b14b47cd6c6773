-- Retention: when a finished job's request was let go of (nanobanana.ledger.keep-for after it finished). It keeps what
-- refusing to pay for it again needs: its key and fingerprint, its outcome (phase, RunPod's id and answer, its cost)
-- and its dates. Sweeps find the jobs to prune through the index on (phase, finished_at).
ALTER TABLE ledger_job ADD COLUMN pruned_at TIMESTAMP WITH TIME ZONE;
