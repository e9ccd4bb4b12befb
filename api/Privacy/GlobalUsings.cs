global using CxActors.Database;
global using MySqlConnector;
