using CxActors.Api.Http;

namespace CxActors.Dashboard;

/// <summary>
/// The pages' files (HTML, our script and style, the ECharts browser bundle), embedded from <c>api/Dashboard/pages</c>
/// and its pinned npm packages.
/// </summary>
public sealed class PageAssets() : EmbeddedAssets(typeof(PageAssets).Assembly, "pages/");
