namespace CxActors.Api.Tests.Repeats;

/// <summary>
/// A silo on a database of its own, so that the fleet answers see only these tests' histories. The grains keep only
/// 3 recent interactions in memory, so that most neighbourhoods are read from MySQL and some from the window.
/// </summary>
public sealed class ResolutionFixture() : ApiFixture(recentCapacity: 3);
