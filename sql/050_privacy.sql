-- LGPD rights: erasure tombstones, the audit of privacy requests, and what erasure and retention need to find a
-- customer's grain snapshot.

-- One row per erased customer id and per phone that was linked to it. subject_hash is HMAC-SHA256 (key
-- Privacy:HashKey) over 'customer:' + the customer id or 'phone:' + the digits: no e-mail or phone in clear.
-- A record of that customer (or, with no e-mail, of that phone) that started at or before erased_at is refused.
CREATE TABLE IF NOT EXISTS customer_tombstones (
    subject_hash BINARY(32) NOT NULL,
    erased_at    DATETIME(3) NOT NULL,
    PRIMARY KEY (subject_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Every export, erasure and retention run: who asked, when, for whom (keyed hash, never the e-mail) and what it
-- touched. Listed newest first by request_id.
CREATE TABLE IF NOT EXISTS privacy_requests (
    request_id    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    request_type  VARCHAR(16) CHARACTER SET ascii NOT NULL COMMENT 'export, erase or retention',
    customer_hash BINARY(32) NULL COMMENT 'HMAC-SHA256 of customer: + id; NULL for retention',
    requested_by  VARCHAR(255) NOT NULL COMMENT 'the caller''s identity name, or anonymous, or retention',
    requested_at  DATETIME(3) NOT NULL,
    counts        VARCHAR(2000) NOT NULL COMMENT 'JSON object of counts',
    PRIMARY KEY (request_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A customer grain's snapshot row, found by its key (the customer id) without the provider's hashes: erasure and
-- retention delete it in the same transaction as the customer's log rows.
ALTER TABLE OrleansStorage
    ADD KEY ix_orleansstorage_extension (GrainIdExtensionString(254));
