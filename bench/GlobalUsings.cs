global using System.Diagnostics;
global using System.Globalization;
global using System.Text;
global using MySqlConnector;
global using CxActors.TestSupport;
