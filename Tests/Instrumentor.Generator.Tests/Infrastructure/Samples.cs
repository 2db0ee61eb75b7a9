namespace Instrumentor.Generator.Tests.Infrastructure;

/// <summary>Sample programs compiled by the tests.</summary>
internal static class Samples
{
    /// <summary>Monitored methods of every shape the foundation covers, and an entry point that calls them.</summary>
    public const string Calculator = """
        using System;
        using System.Threading.Tasks;
        using Instrumentor;

        namespace Sample;

        public class Calculator
        {
            private int _calls;

            public int Calls => _calls;

            [Monitor]
            public static int Add(int a, int b) => a + b;

            [Monitor(ProcessGroup = "math")]
            public int Multiply(int a, int b)
            {
                _calls++;
                return a * b;
            }

            [Monitor]
            public int SumOfProducts(int a, int b) => Multiply(a, b) + Multiply(b, a);

            [Monitor]
            public static void Fail(string reason) => throw new InvalidOperationException(reason);

            [Monitor]
            public static async Task<int> AddLaterAsync(int a, int b)
            {
                await Task.Yield();
                return Add(a, b);
            }

            [Monitor]
            public static async Task OuterAsync()
            {
                await Task.Delay(1);
                await AddLaterAsync(1, 2);
                Add(3, 4);
            }

            [Monitor]
            public static ValueTask<string> EchoAsync(string text) => new ValueTask<string>(text);

            [Monitor]
            public static async Task FailLaterAsync()
            {
                await Task.Yield();
                throw new ArgumentException("later");
            }

            [Monitor]
            public static void Swap(ref int x, ref int y) => (x, y) = (y, x);

            [Monitor]
            public static bool TryParse(string text, out int value) => int.TryParse(text, out value);
        }

        public static class Entry
        {
            public static string Run()
            {
                var log = new System.Text.StringBuilder();
                var calc = new Calculator();
                log.Append(Calculator.Add(2, 3)).Append(';');
                log.Append(calc.SumOfProducts(2, 5)).Append(';');
                log.Append(calc.Calls).Append(';');
                try
                {
                    Calculator.Fail("boom");
                }
                catch (InvalidOperationException e)
                {
                    log.Append(e.Message).Append(e.StackTrace!.Contains("Calculator.Fail")).Append(';');
                }

                log.Append(Calculator.AddLaterAsync(4, 5).GetAwaiter().GetResult()).Append(';');
                Calculator.OuterAsync().GetAwaiter().GetResult();
                log.Append(Calculator.EchoAsync("hi").Result).Append(';');
                try
                {
                    Calculator.FailLaterAsync().GetAwaiter().GetResult();
                }
                catch (ArgumentException e)
                {
                    log.Append(e.Message).Append(';');
                }

                int x = 1, y = 2;
                Calculator.Swap(ref x, ref y);
                log.Append(x).Append(y).Append(';');
                log.Append(Calculator.TryParse("42", out int v)).Append(v).Append(';');
                return log.ToString();
            }
        }
        """;
}
