using System;
using System.IO;
using System.Text;
using Instrumentor.IntegrationTests.Monitored;
using Microsoft.Data.Sqlite;

namespace Instrumentor.IntegrationTests;

/// <summary>Secrets never reach the disk: the raw bytes of every file the store writes are scanned.</summary>
[NonParallelizable]
public class MaskingTests
{
    [Test]
    public void No_secret_appears_anywhere_in_the_database_files()
    {
        string directory = Path.Combine(Path.GetTempPath(), "instrumentor-masking-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string db = Path.Combine(directory, "traces.db");
        string[] secrets =
        {
            "S3cret-Passw0rd-" + Guid.NewGuid().ToString("N"),
            "ApiKey-" + Guid.NewGuid().ToString("N"),
            "Note-" + Guid.NewGuid().ToString("N"),
            "Memo-" + Guid.NewGuid().ToString("N"),
            "4111-" + Guid.NewGuid().ToString("N"),
            "ClientSecret-" + Guid.NewGuid().ToString("N"),
            "Bearer-" + Guid.NewGuid().ToString("N"),
            "PEM-" + Guid.NewGuid().ToString("N"),
            "SSN-" + Guid.NewGuid().ToString("N"),
        };
        string visibleUser = "visible-user-" + Guid.NewGuid().ToString("N");
        try
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(5));
            Monitoring.Configure(o =>
            {
                o.DatabasePath = db;
                o.SpoolPath = Path.Combine(directory, "traces.spool");
            });
            for (int i = 0; i < 50; i++)
            {
                AccountService.Login(visibleUser, secrets[0]).ShouldBeTrue();
                AccountService.Charge(visibleUser, secrets[1], secrets[2], secrets[3], new CardNumber(secrets[4]));
                AccountService.Authenticate(secrets[5], secrets[6], secrets[7], secrets[8]).ShouldStartWith("ok:");
            }

            Monitoring.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue();
            Monitoring.Shutdown(TimeSpan.FromSeconds(5)).ShouldBeTrue();
            SqliteConnection.ClearAllPools();

            byte[] everything = ReadAll(directory);
            Contains(everything, visibleUser).ShouldBeTrue("the scan sees stored values (control)");
            Contains(everything, "***").ShouldBeTrue();
            foreach (string secret in secrets)
            {
                Contains(everything, secret).ShouldBeFalse($"secret {secret} leaked to disk");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static byte[] ReadAll(string directory)
    {
        using var all = new MemoryStream();
        foreach (string file in Directory.GetFiles(directory))
        {
            byte[] bytes = File.ReadAllBytes(file);
            all.Write(bytes);
        }

        return all.ToArray();
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0
        || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;
}
