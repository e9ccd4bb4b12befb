global using CxActors.TestSupport;
global using CxActors.Tests.Infrastructure;
global using Orleans;
global using Orleans.Hosting;
global using Orleans.Runtime;
