-- Repeat contacts, channel switches and first-contact resolution (README "Repeat contacts and first-contact
-- resolution" has the definitions). Each contact's neighbours are its customer's contacts in (started_at,
-- interaction_id) order: LAG/LEAD over that order, which MariaDB 10.2+ and MySQL 8 both run.

-- The fleet answers read every contact of a time range with its customer, id and channel, then order them per
-- customer: the started_at index carries those columns so the range is read from the index alone (no row lookups).
-- Same name and leading columns as before, so every query that forces it keeps its plan.
ALTER TABLE interactions
    DROP KEY ix_interactions_started,
    ADD KEY ix_interactions_started (started_at, customer_id, interaction_id, channel);

-- Each repeat contact (W = 24 h) with the latest earlier contact of its customer: started_at - 24 h <=
-- previous_started_at <= started_at, equal times ordered by interaction_id. gap_seconds has milliseconds.
CREATE OR REPLACE VIEW v_repeat_contacts AS
SELECT customer_id, interaction_id, started_at, channel,
       previous_interaction_id, previous_started_at, previous_channel,
       CAST(TIMESTAMPDIFF(MICROSECOND, previous_started_at, started_at) / 1000000 AS DECIMAL(12, 3)) AS gap_seconds
FROM (
    SELECT customer_id, interaction_id, started_at, channel,
           LAG(interaction_id) OVER (PARTITION BY customer_id ORDER BY started_at, interaction_id) AS previous_interaction_id,
           LAG(started_at) OVER (PARTITION BY customer_id ORDER BY started_at, interaction_id) AS previous_started_at,
           LAG(channel) OVER (PARTITION BY customer_id ORDER BY started_at, interaction_id) AS previous_channel
    FROM interactions
) AS ordered
WHERE previous_started_at >= started_at - INTERVAL 24 HOUR;

-- Per UTC day and channel (W = 24 h, as of now: contacts that started after now do not exist yet): contacts,
-- repeats, channel switches, and each contact's resolution: repeated (a later contact within 24 h), open (not
-- repeated and less than 24 h old), resolved (neither). FCR = resolved / (resolved + repeated).
CREATE OR REPLACE VIEW v_resolution_daily AS
SELECT CAST(started_at AS DATE) AS day, channel,
       COUNT(*) AS contacts,
       SUM(CASE WHEN previous_started_at >= started_at - INTERVAL 24 HOUR THEN 1 ELSE 0 END) AS repeats,
       SUM(CASE WHEN previous_started_at >= started_at - INTERVAL 24 HOUR AND previous_channel <> channel THEN 1 ELSE 0 END) AS channel_switches,
       SUM(CASE WHEN next_started_at <= started_at + INTERVAL 24 HOUR THEN 0
                WHEN as_of < started_at + INTERVAL 24 HOUR THEN 0 ELSE 1 END) AS resolved,
       SUM(CASE WHEN next_started_at <= started_at + INTERVAL 24 HOUR THEN 1 ELSE 0 END) AS repeated,
       SUM(CASE WHEN next_started_at <= started_at + INTERVAL 24 HOUR THEN 0
                WHEN as_of < started_at + INTERVAL 24 HOUR THEN 1 ELSE 0 END) AS `open`
FROM (
    SELECT channel, started_at, now_utc.as_of,
           LAG(started_at) OVER (PARTITION BY customer_id ORDER BY started_at, interaction_id) AS previous_started_at,
           LAG(channel) OVER (PARTITION BY customer_id ORDER BY started_at, interaction_id) AS previous_channel,
           LEAD(started_at) OVER (PARTITION BY customer_id ORDER BY started_at, interaction_id) AS next_started_at
    FROM interactions
    CROSS JOIN (SELECT UTC_TIMESTAMP(3) AS as_of) AS now_utc
    WHERE started_at <= now_utc.as_of
) AS ordered
GROUP BY CAST(started_at AS DATE), channel;
