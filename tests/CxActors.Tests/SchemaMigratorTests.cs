using CxActors.Database;

namespace CxActors.Tests;

/// <summary>Each script is applied once and recorded with its checksum; an applied script edited later stops the start.</summary>
public sealed class SchemaMigratorTests
{
    [Fact]
    public async Task Every_script_is_recorded_with_its_checksum_and_applying_again_changes_nothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        var expected = SchemaMigrator.EmbeddedScripts().Select(s => $"{s.Name}|{SchemaMigrator.Checksum(s.Text)}");
        Assert.Equal(string.Join('\n', expected), await db.TextAsync("SELECT script, checksum FROM schema_version ORDER BY script"));
        await SchemaMigrator.ApplyAsync(db.ConnectionString, logger: null, CancellationToken.None);
        Assert.Equal(string.Join('\n', expected), await db.TextAsync("SELECT script, checksum FROM schema_version ORDER BY script"));
    }

    [Fact]
    public async Task A_database_from_before_checksums_gets_them_recorded_on_the_next_start()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.ExecuteAsync("UPDATE schema_version SET checksum = NULL");
        await SchemaMigrator.ApplyAsync(db.ConnectionString, logger: null, CancellationToken.None);
        Assert.Equal(0, await db.ScalarAsync<int>("SELECT COUNT(*) FROM schema_version WHERE checksum IS NULL"));
    }

    [Fact]
    public async Task An_applied_script_that_changed_stops_the_start_with_a_message_naming_it()
    {
        await using var db = await TestDatabase.CreateAsync();
        var key = await SiloProcess.ProvisionKeyAsync(db.ConnectionString);
        // As if 010_reporting.sql had been edited after this database applied it.
        await db.ExecuteAsync("UPDATE schema_version SET checksum = REPEAT('0', 64) WHERE script = '010_reporting.sql'");
        var drift = await Assert.ThrowsAsync<SchemaDriftException>(() => SchemaMigrator.ApplyAsync(db.ConnectionString, logger: null, CancellationToken.None));
        Assert.Equal("010_reporting.sql", drift.Script);
        Assert.Contains("sql/010_reporting.sql has changed since it was applied", drift.Message);

        // The silo refuses to start on it, and says which script.
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(db.ConnectionString, apiKey: key, keyStored: true));
        Assert.Contains("sql/010_reporting.sql has changed since it was applied", failed.Message);
    }

    [Fact]
    public async Task A_script_interrupted_after_an_alter_is_applied_again_without_error()
    {
        await using var db = await TestDatabase.CreateAsync();
        // The columns of 030 exist, but the script is not recorded: as after a crash between its ALTER and its record.
        await db.ExecuteAsync("DELETE FROM schema_version WHERE script = '030_integrity.sql'");
        await SchemaMigrator.ApplyAsync(db.ConnectionString, logger: null, CancellationToken.None);
        Assert.Equal(1, await db.ScalarAsync<int>("SELECT COUNT(*) FROM schema_version WHERE script = '030_integrity.sql'"));
    }
}
