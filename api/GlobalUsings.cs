global using GraphQL;
global using GraphQL.Types;
