-- Phone identities that hold: phones are stored in E.164 ('+5571999990000'), each link keeps the record that made it,
-- and a number seen with a second e-mail is recorded as a conflict instead of being re-linked.
-- Links stored before this script hold digits only; the silo rewrites them to E.164 at start-up (libphonenumber is
-- needed, so not here): see PhoneLinkRenormalizer. A row whose phone does not start with '+' is one still to rewrite.

-- The record that made the link (NULL for links made before this script: the record was not kept then).
-- Appended columns: an instant change on MySQL 8 and MariaDB 10.3+.
ALTER TABLE customer_phones
    ADD COLUMN source_channel        VARCHAR(8) CHARACTER SET ascii NULL COMMENT 'channel of the record that made the link: PHONE, CHAT, WHATSAPP, EMAIL',
    ADD COLUMN source_interaction_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL COMMENT 'interaction id of the record that made the link',
    ADD COLUMN source_started_at     DATETIME(3) NULL COMMENT 'startedAt of the record that made the link';

-- One row per (number, other customer): the first record that showed the number with another e-mail than the one it
-- is linked to. Re-deliveries and later records of the same pair add nothing. conflict_id orders the admin listing.
CREATE TABLE IF NOT EXISTS phone_link_conflicts (
    conflict_id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    phone                 VARCHAR(32) CHARACTER SET ascii NOT NULL COMMENT 'E.164',
    linked_customer_id    VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'the customer the number is linked to',
    other_customer_id     VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'the customer of the record that showed the conflict',
    source_channel        VARCHAR(8) CHARACTER SET ascii NULL COMMENT 'channel of that record (NULL: found while renormalising stored links)',
    source_interaction_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL COMMENT 'interaction id of that record',
    source_started_at     DATETIME(3) NULL COMMENT 'startedAt of that record',
    detected_at           DATETIME(3) NOT NULL,
    PRIMARY KEY (conflict_id),
    UNIQUE KEY ux_phone_link_conflicts_pair (phone, other_customer_id),
    KEY ix_phone_link_conflicts_linked (linked_customer_id),
    KEY ix_phone_link_conflicts_other (other_customer_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
