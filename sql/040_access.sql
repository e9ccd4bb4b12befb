-- API keys (api/Access, ./cx keys). Only the SHA-256 of a key is stored: keys are 32 random bytes, so a plain hash
-- is enough and a leaked table gives nobody a key. A name is never reused, even once revoked (the audit trail).
CREATE TABLE IF NOT EXISTS api_keys (
    id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name         VARCHAR(64) CHARACTER SET ascii NOT NULL COMMENT 'who holds the key: a-z, 0-9, . _ -',
    key_hash     BINARY(32) NOT NULL COMMENT 'SHA-256 of the whole key (cxk_...)',
    scopes       VARCHAR(255) CHARACTER SET ascii NOT NULL COMMENT 'comma-separated: ingest, read, admin, metrics',
    created_at   DATETIME(3) NOT NULL,
    last_used_at DATETIME(3) NULL COMMENT 'written behind, within about 5 s of a use',
    revoked_at   DATETIME(3) NULL COMMENT 'refused on every silo within 10 s of this',
    UNIQUE KEY ux_api_keys_name (name),
    UNIQUE KEY ux_api_keys_hash (key_hash)
) ENGINE = InnoDB;
