-- The status page and the contact sheet: the newest jobs delivered or failed, the jobs finished per minute and in a
-- window. (Numbered 1.1 so that it sorts before any V2 written beside it.)
CREATE INDEX ledger_job_finished ON ledger_job (phase, finished_at DESC);
