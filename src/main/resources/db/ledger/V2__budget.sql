-- The budget: what each job counts against it, and what all jobs count per UTC day of their submission, so that the
-- check before a submit reads a few rows however many jobs the ledger holds.

-- What the job counts, in USD: its price from the moment it is submitted, RunPod's cost once answered, nothing once
-- RunPod failed it (or it never left); NULL for a job never submitted.
ALTER TABLE ledger_job ADD COLUMN charge_usd NUMERIC(12, 6);

-- The sum of what jobs count, per UTC day they were submitted. A charge that may have been paid stays here even when
-- its job's row is reused (a job in doubt submitted again, or its id given to another request).
CREATE TABLE ledger_spend (
    utc_day DATE       NOT NULL,
    usd NUMERIC(14, 6) NOT NULL,
    CONSTRAINT ledger_spend_key PRIMARY KEY (utc_day)
);

-- One row, locked by every submit while it checks the budget and counts the job: instances sharing the ledger check
-- one at a time, so two of them can never both take the last dollar.
CREATE TABLE ledger_budget (
    id INT NOT NULL,
    CONSTRAINT ledger_budget_key PRIMARY KEY (id)
);
INSERT INTO ledger_budget (id) VALUES (1);

-- Jobs submitted before this version: RunPod's cost where it said, else the price of their resolution (those in
-- flight, in doubt, or without a cost in RunPod's answer); a job that failed otherwise cost nothing.
UPDATE ledger_job SET charge_usd = COALESCE(cost_usd,
        CASE resolution WHEN '4k' THEN 0.175 WHEN '2k' THEN 0.13 ELSE 0.0875 END)
    WHERE submitted_at IS NOT NULL
      AND (phase <> 'FAILED' OR cost_usd IS NOT NULL OR state LIKE '%"inDoubt":true%');
UPDATE ledger_job SET charge_usd = 0 WHERE submitted_at IS NOT NULL AND charge_usd IS NULL;
INSERT INTO ledger_spend (utc_day, usd)
    SELECT CAST(submitted_at AT TIME ZONE 'UTC' AS DATE), SUM(charge_usd) FROM ledger_job
    WHERE charge_usd IS NOT NULL
    GROUP BY CAST(submitted_at AT TIME ZONE 'UTC' AS DATE);
