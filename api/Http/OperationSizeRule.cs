using GraphQL.Validation;
using GraphQLParser;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace CxActors.Api.Http;

/// <summary>
/// Refuses an operation with more top-level fields than <see cref="GraphQLApiOptions.MaxRootFields"/> or more field
/// selections in all than <see cref="GraphQLApiOptions.MaxFieldSelections"/> (fragments counted at each use), before
/// anything is executed: thousands of aliases of a cheap-looking field pass the complexity limit yet cost thousands of
/// grain calls or MySQL queries. Counting stops as soon as a limit is passed, so a huge document costs little here.
/// </summary>
public sealed class OperationSizeRule(IOptions<GraphQLApiOptions> options) : ValidationRuleBase
{
    private readonly int _maxRootFields = options.Value.MaxRootFields;
    private readonly int _maxFields = options.Value.MaxFieldSelections;

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
    {
        var operation = context.Operation;
        var roots = CountFields(context.Document, operation.SelectionSet, nested: false, _maxRootFields);
        if (roots > _maxRootFields)
        {
            context.ReportError(new TooManyFieldsError(
                $"The operation selects more than {_maxRootFields} top-level fields (aliases included); send at most {_maxRootFields} per request."));
        }
        else if (CountFields(context.Document, operation.SelectionSet, nested: true, _maxFields) > _maxFields)
        {
            context.ReportError(new TooManyFieldsError(
                $"The operation selects more than {_maxFields} fields (fragments counted at each use); send at most {_maxFields} per request."));
        }
        return default;
    }

    /// <summary>
    /// Fields selected under <paramref name="root"/> (only its own level unless <paramref name="nested"/>), through
    /// fragment spreads and inline fragments; stops at <paramref name="limit"/> + 1. A fragment cycle (reported by the
    /// core rules) ends the count through a bound on the selections visited.
    /// </summary>
    private static int CountFields(GraphQLDocument document, GraphQLSelectionSet root, bool nested, int limit)
    {
        var fields = 0;
        var visited = 0;
        var maxVisited = (long)limit * 4 + 1_000;
        var pending = new Stack<GraphQLSelectionSet>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            foreach (var selection in pending.Pop().Selections)
            {
                if (++visited > maxVisited)
                    return fields;
                switch (selection)
                {
                    case GraphQLField field:
                        if (++fields > limit)
                            return fields;
                        if (nested && field.SelectionSet is { } below)
                            pending.Push(below);
                        break;
                    case GraphQLInlineFragment inline:
                        pending.Push(inline.SelectionSet);
                        break;
                    case GraphQLFragmentSpread spread:
                        if (document.FindFragmentDefinition(spread.FragmentName.Name) is { } fragment)
                            pending.Push(fragment.SelectionSet);
                        break;
                }
            }
        }
        return fields;
    }
}
