-- Ingest support tables.

-- Records the adapters refused, kept so that an operator can fix and replay them.
-- channel is the endpoint that received the record: canonical, phone, chat, whatsapp or email.
CREATE TABLE IF NOT EXISTS ingest_rejections (
    rejection_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    channel      VARCHAR(16) CHARACTER SET ascii NOT NULL,
    record_index INT UNSIGNED NOT NULL COMMENT '0-based index of the record in its request body',
    reason       VARCHAR(1000) NOT NULL,
    raw_record   MEDIUMTEXT NOT NULL COMMENT 'the record as received (JSON value or CSV line), cut at 64 KiB',
    received_at  DATETIME(3) NOT NULL,
    PRIMARY KEY (rejection_id),
    KEY ix_ingest_rejections_received (received_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Phone numbers linked to customers: a record with an e-mail and a phone links them (the first link wins),
-- and a later record with only that phone belongs to that customer.
CREATE TABLE IF NOT EXISTS customer_phones (
    phone       VARCHAR(32) CHARACTER SET ascii NOT NULL,
    customer_id VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    linked_at   DATETIME(3) NOT NULL,
    PRIMARY KEY (phone),
    KEY ix_customer_phones_customer (customer_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
