-- CxActors reporting schema: plain tables and views for analysts.
-- All times are UTC. Channel values: PHONE, CHAT, WHATSAPP, EMAIL.
-- Applied once per database by the silo's schema migrator (tracked in schema_version); idempotent anyway.

-- One row per unique interaction. This table is also the durable log of the customer grains: a grain's
-- accepted interactions are committed here (with the customers row) before the grain acknowledges them,
-- and an activating grain replays the rows after its last snapshot (customer_seq > snapshot position).
CREATE TABLE IF NOT EXISTS interactions (
    customer_id        VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    customer_seq       INT UNSIGNED NOT NULL COMMENT 'position in the customer''s log, assigned by the grain',
    interaction_id     CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL COMMENT 'hash of the identity: source id, else (customer, channel, started_at)',
    source_id          VARCHAR(255) NULL COMMENT 'the source system''s id exactly as given',
    channel            VARCHAR(8) CHARACTER SET ascii NOT NULL,
    started_at         DATETIME(3) NOT NULL,
    ended_at           DATETIME(3) NULL,
    agent              VARCHAR(255) NULL,
    status             VARCHAR(255) NULL,
    queue              VARCHAR(255) NULL,
    classification     VARCHAR(255) NULL,
    sub_classification VARCHAR(255) NULL,
    feedback_score     TINYINT UNSIGNED NULL,
    feedback_comment   TEXT NULL,
    wait_seconds       INT UNSIGNED NULL,
    handle_seconds     INT UNSIGNED NULL,
    source             VARCHAR(32) CHARACTER SET ascii NOT NULL COMMENT 'api, phone-export, chat-export, whatsapp-export, email-export',
    source_detail      VARCHAR(255) NULL,
    ingested_at        DATETIME(3) NOT NULL,
    PRIMARY KEY (customer_id, customer_seq),
    UNIQUE KEY ux_interactions_id (interaction_id),
    KEY ix_interactions_customer_started (customer_id, started_at, interaction_id),
    KEY ix_interactions_started (started_at, customer_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per customer, kept in step with interactions inside the same transaction.
CREATE TABLE IF NOT EXISTS customers (
    customer_id         VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    email               VARCHAR(254) NOT NULL,
    name                VARCHAR(255) NULL,
    phones              VARCHAR(1024) NULL COMMENT 'comma-separated, digits only',
    first_contact_at    DATETIME(3) NOT NULL,
    last_contact_at     DATETIME(3) NOT NULL,
    last_channel        VARCHAR(8) CHARACTER SET ascii NOT NULL,
    last_interaction_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    total_contacts      INT UNSIGNED NOT NULL,
    phone_contacts      INT UNSIGNED NOT NULL,
    chat_contacts       INT UNSIGNED NOT NULL,
    whatsapp_contacts   INT UNSIGNED NOT NULL,
    email_contacts      INT UNSIGNED NOT NULL,
    version             INT UNSIGNED NOT NULL COMMENT 'the customer_seq this row reflects; an older upsert never overwrites a newer one',
    updated_at          DATETIME(3) NOT NULL,
    PRIMARY KEY (customer_id),
    KEY ix_customers_last_contact (last_contact_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Contacts that started in the 24 hours before now (UTC), per customer.
CREATE OR REPLACE VIEW v_contacts_last_24h AS
SELECT customer_id, COUNT(*) AS contacts
FROM interactions
WHERE started_at > UTC_TIMESTAMP(3) - INTERVAL 24 HOUR
  AND started_at <= UTC_TIMESTAMP(3)
GROUP BY customer_id;

-- All interactions per customer and channel.
CREATE OR REPLACE VIEW v_interactions_by_channel AS
SELECT customer_id, channel, COUNT(*) AS interactions
FROM interactions
GROUP BY customer_id, channel;

-- Each customer's last contact (greatest started_at, then greatest interaction_id) and its platform.
CREATE OR REPLACE VIEW v_last_interaction AS
SELECT c.customer_id, i.channel, i.started_at, i.ended_at, i.interaction_id, i.source_id,
       i.agent, i.status, i.queue, i.classification, i.sub_classification
FROM customers c
JOIN interactions i ON i.interaction_id = c.last_interaction_id;
