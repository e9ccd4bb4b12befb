-- CxActors: tables, procedures and named queries for the Orleans ADO.NET providers
-- (Microsoft.Orleans.Clustering.AdoNet and Microsoft.Orleans.Persistence.AdoNet, 10.x),
-- for MariaDB 10.11 and MySQL 8.4. Invariant: MySql.Data.MySqlConnector.
--
-- How the providers use this:
--   * At start-up they read SELECT QueryKey, QueryText FROM OrleansQuery and afterwards run only
--     those texts, binding parameters by name (DeploymentId, GrainIdHash, ...) and reading the
--     result columns by name. The parameter names and result column names are the contract, the
--     tables and procedures behind them are ours.
--   * Clustering needs all nine membership keys below, or it refuses to start.
--     Persistence needs WriteToStorageKey, ReadFromStorageKey and ClearStorageKey, plus
--     DeleteStorageKey when DeleteStateOnClear is switched on.
--
-- Design notes:
--   * Every write is either one statement or a short procedure that switches to READ COMMITTED
--     before START TRANSACTION and touches rows only through primary or unique key equality,
--     so no gap or next-key locks are taken. Membership writes always lock the version row first
--     and the silo row second.
--   * Results never depend on ROW_COUNT() of a statement that might leave a row unchanged,
--     so they are the same whether or not the client sets CLIENT_FOUND_ROWS (UseAffectedRows).
--   * A grain state row is identified by a SHA-256 over the whole natural key, kept in a
--     UNIQUE column. Two activations that both try to create the same state therefore cannot
--     both succeed, even at READ COMMITTED. The loser gets a NULL version back, which the
--     provider turns into InconsistentStateException.
--   * The payload is LONGBLOB. Every grain storage serializer, System.Text.Json included, hands
--     the provider bytes, and the provider only reads and writes PayloadBinary.
--   * Re-running the script is harmless: tables are created only when missing, procedures are
--     dropped and created again, and the query rows are written with REPLACE.
--   * Format: statements end with the current delimiter at the end of a line. The named query
--     texts contain semicolons, so they are written inside the DELIMITER $$ section.

-- Fix the sql_mode the procedures are created with (a routine keeps its creation sql_mode),
-- and put the session back afterwards.
SET @cx_orleans_saved_sql_mode = @@SESSION.sql_mode;
SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION';

-- Named queries, looked up by key.
CREATE TABLE IF NOT EXISTS OrleansQuery (
    QueryKey  VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    QueryText MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (QueryKey)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per cluster (DeploymentId is the Orleans ClusterId). Version is the table version (ETag)
-- of the membership protocol. Every successful insert or update of a silo row increments it.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable (
    DeploymentId VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    Version      INT NOT NULL DEFAULT 0,
    ModifiedOn   DATETIME(3) NOT NULL,
    PRIMARY KEY (DeploymentId)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per silo incarnation (address, port, generation). All times are UTC.
-- SuspectTimes holds the list written by Orleans: entries joined by a bar, each entry a silo
-- address and a date separated by a comma.
CREATE TABLE IF NOT EXISTS OrleansMembershipTable (
    DeploymentId VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    Address      VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    Port         INT NOT NULL,
    Generation   INT NOT NULL,
    SiloName     VARCHAR(150) CHARACTER SET utf8mb4 NOT NULL,
    HostName     VARCHAR(150) CHARACTER SET utf8mb4 NOT NULL,
    Status       INT NOT NULL,
    ProxyPort    INT NOT NULL DEFAULT 0,
    SuspectTimes MEDIUMTEXT CHARACTER SET utf8mb4 NULL,
    StartTime    DATETIME(3) NOT NULL,
    IAmAliveTime DATETIME(3) NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_OrleansMembershipTable_Version FOREIGN KEY (DeploymentId)
        REFERENCES OrleansMembershipVersionTable (DeploymentId) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Grain state. StorageKey is SHA-256 over (ServiceId, GrainTypeHash, GrainIdHash, GrainIdN0,
-- GrainIdN1, GrainTypeString, GrainIdExtensionString), computed by OrleansStorage_Key only.
-- The other key columns are kept for diagnostics and ad-hoc queries.
-- PayloadBinary is NULL after a clear. The row and its Version stay, so the next write continues
-- from that version. Version starts at 1 and grows by one on every write and clear.
-- JSON state is UTF-8 text in PayloadBinary, readable with CONVERT(PayloadBinary USING utf8mb4).
CREATE TABLE IF NOT EXISTS OrleansStorage (
    Id                     BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    StorageKey             BINARY(32) NOT NULL,
    ServiceId              VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    GrainTypeHash          INT NOT NULL,
    GrainTypeString        VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    GrainIdHash            INT NOT NULL,
    GrainIdN0              BIGINT NOT NULL,
    GrainIdN1              BIGINT NOT NULL,
    GrainIdExtensionString VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    PayloadBinary          LONGBLOB NULL,
    ModifiedOn             DATETIME(3) NOT NULL,
    Version                INT NOT NULL,
    PRIMARY KEY (Id),
    CONSTRAINT UX_OrleansStorage_StorageKey UNIQUE KEY (StorageKey)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

DROP PROCEDURE IF EXISTS OrleansMembership_InsertVersion;
DROP PROCEDURE IF EXISTS OrleansMembership_InsertSilo;
DROP PROCEDURE IF EXISTS OrleansMembership_UpdateSilo;
DROP PROCEDURE IF EXISTS OrleansStorage_Key;
DROP PROCEDURE IF EXISTS OrleansStorage_Read;
DROP PROCEDURE IF EXISTS OrleansStorage_Write;
DROP PROCEDURE IF EXISTS OrleansStorage_Clear;
DROP PROCEDURE IF EXISTS OrleansStorage_Delete;

DELIMITER $$

-- Creates the version row of a cluster if it is missing. Returns one row, one column:
-- 1 when this call created it, 0 when it was already there.
CREATE PROCEDURE OrleansMembership_InsertVersion(
    IN p_DeploymentId VARCHAR(150) CHARACTER SET utf8mb4
)
BEGIN
    DECLARE v_created INT DEFAULT 1;
    DECLARE CONTINUE HANDLER FOR 1062 SET v_created = 0;

    INSERT INTO OrleansMembershipVersionTable (DeploymentId, Version, ModifiedOn)
    VALUES (p_DeploymentId, 0, UTC_TIMESTAMP(3));

    SELECT v_created AS Created;
END$$

-- Adds a silo row, but only if the table version still equals p_Version and the row does not
-- exist yet. On success the table version goes up by one. Returns 1 (done) or 0 (refused).
CREATE PROCEDURE OrleansMembership_InsertSilo(
    IN p_DeploymentId VARCHAR(150) CHARACTER SET utf8mb4,
    IN p_Address      VARCHAR(45) CHARACTER SET ascii,
    IN p_Port         INT,
    IN p_Generation   INT,
    IN p_Version      INT,
    IN p_SiloName     VARCHAR(150) CHARACTER SET utf8mb4,
    IN p_HostName     VARCHAR(150) CHARACTER SET utf8mb4,
    IN p_Status       INT,
    IN p_ProxyPort    INT,
    IN p_StartTime    DATETIME(6),
    IN p_IAmAliveTime DATETIME(6)
)
BEGIN
    DECLARE v_ok INT DEFAULT 0;
    DECLARE v_duplicate INT DEFAULT 0;
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = 1;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;

    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    START TRANSACTION;

    -- Version always changes here, so ROW_COUNT() is 1 exactly when the version matched.
    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           ModifiedOn = UTC_TIMESTAMP(3)
     WHERE DeploymentId = p_DeploymentId
       AND Version = p_Version;

    IF ROW_COUNT() > 0 THEN
        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName,
             Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime)
        VALUES
            (p_DeploymentId, p_Address, p_Port, p_Generation, p_SiloName, p_HostName,
             p_Status, p_ProxyPort, NULL, p_StartTime, p_IAmAliveTime);
        IF v_duplicate = 0 THEN
            SET v_ok = 1;
        END IF;
    END IF;

    IF v_ok = 1 THEN
        COMMIT;
    ELSE
        ROLLBACK;
    END IF;

    SELECT v_ok AS Succeeded;
END$$

-- Changes status, suspicions and alive time of an existing silo row, but only if the table
-- version still equals p_Version. On success the table version goes up by one.
-- Returns 1 (done) or 0 (version mismatch or no such silo).
CREATE PROCEDURE OrleansMembership_UpdateSilo(
    IN p_DeploymentId VARCHAR(150) CHARACTER SET utf8mb4,
    IN p_Address      VARCHAR(45) CHARACTER SET ascii,
    IN p_Port         INT,
    IN p_Generation   INT,
    IN p_Version      INT,
    IN p_Status       INT,
    IN p_SuspectTimes MEDIUMTEXT CHARACTER SET utf8mb4,
    IN p_IAmAliveTime DATETIME(6)
)
BEGIN
    DECLARE v_ok INT DEFAULT 0;
    DECLARE v_found INT DEFAULT 0;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;

    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    START TRANSACTION;

    UPDATE OrleansMembershipVersionTable
       SET Version = Version + 1,
           ModifiedOn = UTC_TIMESTAMP(3)
     WHERE DeploymentId = p_DeploymentId
       AND Version = p_Version;

    IF ROW_COUNT() > 0 THEN
        UPDATE OrleansMembershipTable
           SET Status = p_Status,
               SuspectTimes = p_SuspectTimes,
               IAmAliveTime = p_IAmAliveTime
         WHERE DeploymentId = p_DeploymentId
           AND Address = p_Address
           AND Port = p_Port
           AND Generation = p_Generation;

        -- Existence is checked separately: the update above may legitimately change nothing.
        SELECT COUNT(*) INTO v_found
          FROM OrleansMembershipTable
         WHERE DeploymentId = p_DeploymentId
           AND Address = p_Address
           AND Port = p_Port
           AND Generation = p_Generation;

        IF v_found > 0 THEN
            SET v_ok = 1;
        END IF;
    END IF;

    IF v_ok = 1 THEN
        COMMIT;
    ELSE
        ROLLBACK;
    END IF;

    SELECT v_ok AS Succeeded;
END$$

-- The identity of a grain state row. Every field is length-prefixed or purely numeric and a
-- missing extension is encoded differently from an empty one, so distinct keys give distinct
-- input to SHA-256. A NULL in any required field gives a NULL key, which matches nothing
-- and cannot be inserted.
CREATE PROCEDURE OrleansStorage_Key(
    IN  p_GrainIdHash            INT,
    IN  p_GrainIdN0              BIGINT,
    IN  p_GrainIdN1              BIGINT,
    IN  p_GrainTypeHash          INT,
    IN  p_GrainTypeString        VARCHAR(512) CHARACTER SET utf8mb4,
    IN  p_GrainIdExtensionString VARCHAR(1024) CHARACTER SET utf8mb4,
    IN  p_ServiceId              VARCHAR(150) CHARACTER SET utf8mb4,
    OUT p_StorageKey             BINARY(32)
)
BEGIN
    SET p_StorageKey = UNHEX(SHA2(CONVERT(CONCAT(
        'v1|', CHAR_LENGTH(p_ServiceId), ':', p_ServiceId,
        '|', p_GrainTypeHash,
        '|', p_GrainIdHash,
        '|', p_GrainIdN0,
        '|', p_GrainIdN1,
        '|', CHAR_LENGTH(p_GrainTypeString), ':', p_GrainTypeString,
        '|', IFNULL(CONCAT('+', CHAR_LENGTH(p_GrainIdExtensionString), ':', p_GrainIdExtensionString), '-')
    ) USING utf8mb4), 256));
END$$

-- Returns zero or one row: PayloadBinary (NULL after a clear), ModifiedOn, Version.
CREATE PROCEDURE OrleansStorage_Read(
    IN p_GrainIdHash            INT,
    IN p_GrainIdN0              BIGINT,
    IN p_GrainIdN1              BIGINT,
    IN p_GrainTypeHash          INT,
    IN p_GrainTypeString        VARCHAR(512) CHARACTER SET utf8mb4,
    IN p_GrainIdExtensionString VARCHAR(1024) CHARACTER SET utf8mb4,
    IN p_ServiceId              VARCHAR(150) CHARACTER SET utf8mb4
)
BEGIN
    DECLARE v_key BINARY(32);

    CALL OrleansStorage_Key(p_GrainIdHash, p_GrainIdN0, p_GrainIdN1, p_GrainTypeHash,
                            p_GrainTypeString, p_GrainIdExtensionString, p_ServiceId, v_key);

    SELECT PayloadBinary, ModifiedOn, Version
      FROM OrleansStorage
     WHERE StorageKey = v_key;
END$$

-- Stores a new payload. p_GrainStateVersion NULL means the grain believes there is no row yet:
-- insert with Version 1. Otherwise it is the ETag the grain holds: update only if the stored
-- Version still equals it, and increment Version.
-- Returns one row with NewGrainStateVersion: the new version on success. On a conflict it returns
-- p_GrainStateVersion unchanged, or NULL for a refused insert, and the provider throws
-- InconsistentStateException.
CREATE PROCEDURE OrleansStorage_Write(
    IN p_GrainIdHash            INT,
    IN p_GrainIdN0              BIGINT,
    IN p_GrainIdN1              BIGINT,
    IN p_GrainTypeHash          INT,
    IN p_GrainTypeString        VARCHAR(512) CHARACTER SET utf8mb4,
    IN p_GrainIdExtensionString VARCHAR(1024) CHARACTER SET utf8mb4,
    IN p_ServiceId              VARCHAR(150) CHARACTER SET utf8mb4,
    IN p_GrainStateVersion      INT,
    IN p_PayloadBinary          LONGBLOB
)
BEGIN
    DECLARE v_key BINARY(32);
    DECLARE v_result INT DEFAULT NULL;
    DECLARE v_duplicate INT DEFAULT 0;
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = 1;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;

    CALL OrleansStorage_Key(p_GrainIdHash, p_GrainIdN0, p_GrainIdN1, p_GrainTypeHash,
                            p_GrainTypeString, p_GrainIdExtensionString, p_ServiceId, v_key);

    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    START TRANSACTION;

    IF p_GrainStateVersion IS NULL THEN
        INSERT INTO OrleansStorage
            (StorageKey, ServiceId, GrainTypeHash, GrainTypeString, GrainIdHash,
             GrainIdN0, GrainIdN1, GrainIdExtensionString, PayloadBinary, ModifiedOn, Version)
        VALUES
            (v_key, p_ServiceId, p_GrainTypeHash, p_GrainTypeString, p_GrainIdHash,
             p_GrainIdN0, p_GrainIdN1, p_GrainIdExtensionString, p_PayloadBinary, UTC_TIMESTAMP(3), 1);
        IF v_duplicate = 0 THEN
            SET v_result = 1;
        END IF;
    ELSE
        -- Version always changes, so ROW_COUNT() is 1 exactly when the ETag matched.
        UPDATE OrleansStorage
           SET PayloadBinary = p_PayloadBinary,
               ModifiedOn = UTC_TIMESTAMP(3),
               Version = Version + 1
         WHERE StorageKey = v_key
           AND Version = p_GrainStateVersion;
        IF ROW_COUNT() > 0 THEN
            SET v_result = p_GrainStateVersion + 1;
        ELSE
            SET v_result = p_GrainStateVersion;
        END IF;
    END IF;

    COMMIT;

    SELECT v_result AS NewGrainStateVersion;
END$$

-- Clears the payload but keeps the row, and increments Version, if the stored Version equals
-- p_GrainStateVersion. Returns one row with NewGrainStateVersion: the new version on success,
-- otherwise p_GrainStateVersion unchanged, which can be NULL.
CREATE PROCEDURE OrleansStorage_Clear(
    IN p_GrainIdHash            INT,
    IN p_GrainIdN0              BIGINT,
    IN p_GrainIdN1              BIGINT,
    IN p_GrainTypeHash          INT,
    IN p_GrainTypeString        VARCHAR(512) CHARACTER SET utf8mb4,
    IN p_GrainIdExtensionString VARCHAR(1024) CHARACTER SET utf8mb4,
    IN p_ServiceId              VARCHAR(150) CHARACTER SET utf8mb4,
    IN p_GrainStateVersion      INT
)
BEGIN
    DECLARE v_key BINARY(32);
    DECLARE v_result INT DEFAULT NULL;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;

    CALL OrleansStorage_Key(p_GrainIdHash, p_GrainIdN0, p_GrainIdN1, p_GrainTypeHash,
                            p_GrainTypeString, p_GrainIdExtensionString, p_ServiceId, v_key);

    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    START TRANSACTION;

    UPDATE OrleansStorage
       SET PayloadBinary = NULL,
           ModifiedOn = UTC_TIMESTAMP(3),
           Version = Version + 1
     WHERE StorageKey = v_key
       AND Version = p_GrainStateVersion;
    IF ROW_COUNT() > 0 THEN
        SET v_result = p_GrainStateVersion + 1;
    ELSE
        SET v_result = p_GrainStateVersion;
    END IF;

    COMMIT;

    SELECT v_result AS NewGrainStateVersion;
END$$

-- Used instead of OrleansStorage_Clear when DeleteStateOnClear is on: removes the row if the
-- stored Version equals p_GrainStateVersion. Returns NewGrainStateVersion = p_GrainStateVersion + 1
-- when a row was deleted (the provider then sets the ETag to null), otherwise p_GrainStateVersion.
CREATE PROCEDURE OrleansStorage_Delete(
    IN p_GrainIdHash            INT,
    IN p_GrainIdN0              BIGINT,
    IN p_GrainIdN1              BIGINT,
    IN p_GrainTypeHash          INT,
    IN p_GrainTypeString        VARCHAR(512) CHARACTER SET utf8mb4,
    IN p_GrainIdExtensionString VARCHAR(1024) CHARACTER SET utf8mb4,
    IN p_ServiceId              VARCHAR(150) CHARACTER SET utf8mb4,
    IN p_GrainStateVersion      INT
)
BEGIN
    DECLARE v_key BINARY(32);
    DECLARE v_result INT DEFAULT NULL;
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;

    CALL OrleansStorage_Key(p_GrainIdHash, p_GrainIdN0, p_GrainIdN1, p_GrainTypeHash,
                            p_GrainTypeString, p_GrainIdExtensionString, p_ServiceId, v_key);

    SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
    START TRANSACTION;

    DELETE FROM OrleansStorage
     WHERE StorageKey = v_key
       AND Version = p_GrainStateVersion;
    IF ROW_COUNT() > 0 THEN
        SET v_result = p_GrainStateVersion + 1;
    ELSE
        SET v_result = p_GrainStateVersion;
    END IF;

    COMMIT;

    SELECT v_result AS NewGrainStateVersion;
END$$

-- Named queries. Text rules (they run through MySqlConnector with the application connection
-- string): only parameters the provider binds may appear after an at sign, no question marks,
-- no single quotes, no comment lines.

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey',
'CALL OrleansMembership_InsertVersion(@DeploymentId);')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey',
'CALL OrleansMembership_InsertSilo(@DeploymentId, @Address, @Port, @Generation, @Version,
    @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime);')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey',
'CALL OrleansMembership_UpdateSilo(@DeploymentId, @Address, @Port, @Generation, @Version,
    @Status, @SuspectTimes, @IAmAliveTime);')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey',
'UPDATE OrleansMembershipTable
    SET IAmAliveTime = @IAmAliveTime
  WHERE DeploymentId = @DeploymentId
    AND Address = @Address
    AND Port = @Port
    AND Generation = @Generation;')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey',
'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
  FROM OrleansMembershipVersionTable AS v
  LEFT JOIN OrleansMembershipTable AS m
    ON m.DeploymentId = v.DeploymentId
 WHERE v.DeploymentId = @DeploymentId;')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey',
'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
  FROM OrleansMembershipVersionTable AS v
  LEFT JOIN OrleansMembershipTable AS m
    ON m.DeploymentId = v.DeploymentId
   AND m.Address = @Address
   AND m.Port = @Port
   AND m.Generation = @Generation
 WHERE v.DeploymentId = @DeploymentId;')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey',
'SELECT Address, ProxyPort, Generation
  FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Status = @Status
   AND ProxyPort > 0;')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey',
'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey',
'DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND IAmAliveTime < @IAmAliveTime
   AND Status <> 3;')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey',
'CALL OrleansStorage_Read(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
    @GrainTypeString, @GrainIdExtensionString, @ServiceId);')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey',
'CALL OrleansStorage_Write(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
    @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey',
'CALL OrleansStorage_Clear(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
    @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion);')$$

REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey',
'CALL OrleansStorage_Delete(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
    @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion);')$$

DELIMITER ;

SET SESSION sql_mode = @cx_orleans_saved_sql_mode;
