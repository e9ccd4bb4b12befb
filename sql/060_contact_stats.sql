-- Contacts per hour and channel, the rollups behind GraphQL's contactStats and the analysts' v_contacts_daily.
-- Kept exact by the interaction log: every flush adds the rows it inserted, in the same transaction, and erasure and
-- retention subtract the rows they delete, in theirs. A row can hold 0 after deletions; readers skip those.

-- hour: the UTC hour the contacts started in (started_at truncated to the hour). The primary key is the upsert's key,
-- so a flush adds to its hours with one multi-row INSERT ... ON DUPLICATE KEY UPDATE, and a range of hours is one
-- range scan of the clustered index. contacts is signed so that a decrement can never fail on a bound.
CREATE TABLE IF NOT EXISTS contact_stats_hourly (
    hour     DATETIME NOT NULL COMMENT 'UTC, on the hour',
    channel  VARCHAR(8) CHARACTER SET ascii NOT NULL,
    contacts INT NOT NULL,
    PRIMARY KEY (hour, channel)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Contacts per UTC day and channel (for other time zones' days, use GraphQL's contactStats or sum the hours).
CREATE OR REPLACE VIEW v_contacts_daily AS
SELECT CAST(hour AS DATE) AS day, channel, SUM(contacts) AS contacts
FROM contact_stats_hourly
GROUP BY CAST(hour AS DATE), channel
HAVING SUM(contacts) <> 0;

-- The interactions stored before this table existed. One statement (InnoDB undoes it whole if it is interrupted) that
-- SETS each hour's count to the GROUP BY, never adds to it: a run again after an interrupted migration, or after rows
-- the log writer already counted, gives the same exact counts.
INSERT INTO contact_stats_hourly (hour, channel, contacts)
SELECT CAST(DATE_FORMAT(started_at, '%Y-%m-%d %H:00:00') AS DATETIME) AS started_hour, channel, COUNT(*)
FROM interactions
GROUP BY started_hour, channel
ON DUPLICATE KEY UPDATE contacts = VALUES(contacts);
