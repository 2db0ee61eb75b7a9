using System;
using Instrumentor.Collector.Alerts.Config;
using Instrumentor.Collector.Alerts.Evaluation;

namespace Instrumentor.Collector.Tests.Alerts.Evaluation;

public class RuleStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static RuleState State(double forSeconds = 0, double cooldownSeconds = 0) => new(new AlertRule
    {
        Name = "r", Query = "SELECT 1", Threshold = 10, Action = AlertAction.Log, Interval = TimeSpan.FromSeconds(1),
        For = TimeSpan.FromSeconds(forSeconds), Cooldown = TimeSpan.FromSeconds(cooldownSeconds),
    });

    [Test]
    public void It_fires_once_while_over_and_resolves_once_when_it_clears()
    {
        RuleState state = State();

        state.Observe(9, T0).ShouldBeNull();
        state.Observe(10, T0.AddSeconds(1)).ShouldBe(AlertTransition.Firing);
        state.Observe(50, T0.AddSeconds(2)).ShouldBeNull();
        state.Observe(3, T0.AddSeconds(3)).ShouldBe(AlertTransition.Resolved);
        state.Observe(3, T0.AddSeconds(4)).ShouldBeNull();
        state.Snapshot().State.ShouldBe("ok");
    }

    [Test]
    public void With_for_seconds_the_value_must_hold_that_long_and_a_dip_starts_over()
    {
        RuleState state = State(forSeconds: 10);

        state.Observe(11, T0).ShouldBeNull();
        state.Snapshot().State.ShouldBe("pending");
        state.Observe(2, T0.AddSeconds(5)).ShouldBeNull();
        state.Observe(11, T0.AddSeconds(6)).ShouldBeNull();
        state.Observe(11, T0.AddSeconds(15)).ShouldBeNull();
        state.Observe(11, T0.AddSeconds(16)).ShouldBe(AlertTransition.Firing);
    }

    [Test]
    public void Within_the_cooldown_it_does_not_fire_again()
    {
        RuleState state = State(cooldownSeconds: 60);

        state.Observe(11, T0).ShouldBe(AlertTransition.Firing);
        state.Observe(0, T0.AddSeconds(1)).ShouldBe(AlertTransition.Resolved);
        state.Observe(11, T0.AddSeconds(2)).ShouldBeNull();
        state.Snapshot().State.ShouldBe("pending");
        state.Observe(11, T0.AddSeconds(60)).ShouldBe(AlertTransition.Firing);
    }

    [Test]
    public void A_failure_neither_resolves_nor_refires_a_firing_rule()
    {
        RuleState state = State();

        state.Observe(11, T0).ShouldBe(AlertTransition.Firing);
        state.Fail("the query failed: locked", T0.AddSeconds(1));
        state.Snapshot().State.ShouldBe("failed");
        state.Observe(11, T0.AddSeconds(2)).ShouldBeNull();
        state.Snapshot().State.ShouldBe("firing");
        state.Snapshot().History[0].Event.ShouldBe("recovered");
    }
}
