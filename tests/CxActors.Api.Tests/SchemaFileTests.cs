using CxActors.Api.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CxActors.Api.Tests;

public sealed class SchemaFileTests
{
    /// <summary>The checked-in api/schema.graphql is the printed schema. CX_UPDATE_SCHEMA=1 rewrites the file instead.</summary>
    [Fact]
    public void The_checked_in_schema_file_matches_the_code()
    {
        var services = new ServiceCollection().AddLogging().AddCxGraphQL(new ConfigurationBuilder().Build()).BuildServiceProvider();
        var printed = Normalise(services.GetRequiredService<CxSchema>().Print());
        var path = Path.Combine(SiloProcess.RepositoryRoot(), "api", "schema.graphql");
        if (Environment.GetEnvironmentVariable("CX_UPDATE_SCHEMA") == "1")
            File.WriteAllText(path, printed);

        Assert.True(File.Exists(path), $"{path} is missing: run this test with CX_UPDATE_SCHEMA=1 to write it");
        Assert.Equal(printed, Normalise(File.ReadAllText(path)));
    }

    [Fact]
    public void The_contract_names_are_in_the_schema()
    {
        var services = new ServiceCollection().AddLogging().AddCxGraphQL(new ConfigurationBuilder().Build()).BuildServiceProvider();
        var printed = Normalise(services.GetRequiredService<CxSchema>().Print());

        foreach (var line in new[]
        {
            "scalar DateTime", "enum Channel {", "  PHONE", "  CHAT", "  WHATSAPP", "  EMAIL",
            "  customer(", "    id: String!): Customer", "  customers(", "    first: Int = 20", "    after: String): CustomerConnection!",
            "  contactCounts(", "    since: DateTime", "    until: DateTime", "    channel: Channel", "CustomerCountConnection!",
            "  id: String!", "  email: String", "  name: String", "  phones: [String!]!", "    asOf: DateTime): Int!",
            "  interactionCounts: [ChannelCount!]!", "InteractionConnection!", "  lastInteraction: Interaction",
            "  id: ID!", "  channel: Channel!", "  startedAt: DateTime!", "  endedAt: DateTime", "  feedbackScore: Int",
            "  totalCount: Int!", "  nodes: [Interaction!]!", "  nodes: [Customer!]!", "  nodes: [CustomerCount!]!", "  pageInfo: PageInfo!",
            "  customerId: String!", "  contacts: Int!", "  hasNextPage: Boolean!", "  endCursor: String", "  count: Int!",
            "enum Bucket {", "  HOUR", "  DAY", "type ContactStatsBucket {", "  start: DateTime!",
            "  contactStats(", "    since: DateTime!,", "    until: DateTime!,", "    bucket: Bucket = DAY,", "    timeZone: String = \"UTC\",",
            "    channel: Channel): [ContactStatsBucket!]!",
        })
        {
            Assert.Contains(line, printed);
        }
    }

    private static string Normalise(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";
}
