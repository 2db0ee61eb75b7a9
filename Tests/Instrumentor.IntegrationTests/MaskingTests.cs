using System;
using System.IO;
using System.Text;
using System.Collections.Generic;
using Instrumentor.IntegrationTests.Infrastructure;
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

    [Test]
    public void No_secret_in_object_properties_nested_dictionaries_or_results_reaches_the_disk()
    {
        using var directory = new TempDirectory("masking-summaries");
        string id = Guid.NewGuid().ToString("N");
        string name = "visible-name-" + id;
        string[] secrets =
        {
            "Passw0rd-" + id,            // property with a default sensitive name
            "Card-" + id,                // [Sensitive] property
            "Pin-" + id,                 // property named by the method's SensitiveNames
            "Memo-" + id,                // [NotCaptured] property
            "ExtraValue-" + id,          // value of a dictionary nested in a summarized object
            "Iban-" + id,                // parameter named by SensitiveNames
            "HeaderValue-" + id,         // value of a dictionary argument (only keys are read)
            "key-for-" + name,           // [return: Sensitive] result
            "tok-" + name,               // secret property of a result
            "RenewToken-" + id,          // secret property of an argument that is also the result
        };
        try
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(5));
            Monitoring.Configure(o =>
            {
                o.DatabasePath = directory.Combine("traces.db");
                o.SpoolPath = directory.Combine("traces.spool");
            });
            for (int i = 0; i < 20; i++)
            {
                var customer = new Customer
                {
                    Name = name, Password = secrets[0], Card = secrets[1], Pin = secrets[2], Memo = secrets[3],
                    Extras = { ["note"] = secrets[4] },
                };
                CustomerDesk.Register(customer, secrets[5], new Dictionary<string, string> { ["x-auth"] = secrets[6] });
                CustomerDesk.IssueKey(name).ShouldBe(secrets[7]);
                CustomerDesk.Renew(new Receipt(i, secrets[9])).ApiToken.ShouldBe(secrets[9]);
            }

            Monitoring.FlushAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().ShouldBeTrue();
            // The scan runs before shutdown too: the WAL holds what was written since the last checkpoint.
            byte[] live = ReadAll(directory.Path);
            Monitoring.Shutdown(TimeSpan.FromSeconds(5)).ShouldBeTrue();
            SqliteConnection.ClearAllPools();
            byte[] closed = ReadAll(directory.Path);

            foreach (byte[] everything in new[] { live, closed })
            {
                // Up to the "+1 more": the store's JSON escapes '+'.
                Contains(everything, "Customer { Name = " + name + ", Password = ***, Card = ***, Pin = ***,")
                    .ShouldBeTrue("the scan sees the summaries (control)");
                foreach (string secret in secrets)
                {
                    Contains(everything, secret).ShouldBeFalse($"secret {secret} leaked to disk");
                }
            }
        }
        finally
        {
            Monitoring.Shutdown(TimeSpan.FromSeconds(5));
            SqliteConnection.ClearAllPools();
        }
    }

    private static byte[] ReadAll(string directory)
    {
        using var all = new MemoryStream();
        foreach (string file in Directory.GetFiles(directory))
        {
            if (file.EndsWith(".lock", StringComparison.Ordinal))
            {
                // The spool's lock file holds no data, and is locked while the store runs.
                continue;
            }

            // Shared read: the store may still hold the database and its WAL open.
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            byte[] bytes = copy.ToArray();
            all.Write(bytes);
        }

        return all.ToArray();
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0
        || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;
}
