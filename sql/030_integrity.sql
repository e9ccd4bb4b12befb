-- The log carries everything a customer's profile shows, so that any stop (graceful, kill -9, deactivation, a silo's
-- death) restores it exactly from snapshot + log: the record's phone and the customer's name as that record gave them.
-- Appended columns: an instant change on MySQL 8 and MariaDB 10.3+, whatever the table's size.
ALTER TABLE interactions
    ADD COLUMN phone         VARCHAR(32) CHARACTER SET ascii NULL COMMENT 'the record''s phone number, digits only',
    ADD COLUMN customer_name VARCHAR(255) NULL COMMENT 'the customer''s name as the record gave it';

-- Stored raw text is cut shorter than before (16 KiB): enough to see and replay a real record.
ALTER TABLE ingest_rejections
    MODIFY raw_record MEDIUMTEXT NOT NULL COMMENT 'the record as received (JSON value or CSV line), cut at 16 KiB';

-- customers.phones is a bounded summary: the first 20 distinct phones of the customer's log (the full set is in the
-- log's phone column).
ALTER TABLE customers
    MODIFY phones VARCHAR(1024) NULL COMMENT 'the first 20 distinct phones of the customer''s log, comma-separated, digits only';
