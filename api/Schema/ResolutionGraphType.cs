namespace CxActors.Api.Schema;

public sealed class ResolutionGraphType : EnumerationGraphType
{
    public ResolutionGraphType()
    {
        Name = "Resolution";
        Description = "What became of a contact within withinHours after it (see the README's definitions).";
        Add("RESOLVED", Resolution.Resolved, "No later contact of the customer within the window, and the window has passed.");
        Add("REPEATED", Resolution.Repeated, "The customer came back within the window (the next contact repeats this one).");
        Add("OPEN", Resolution.Open, "No later contact yet, but the window has not passed as of asOf.");
    }
}
