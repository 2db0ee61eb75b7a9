using Instrumentor.Collector.Rollup;

namespace Instrumentor.Collector.Tests.Rollup;

/// <summary>The search index's share of the writer while ingest is busy, and no limit when it is not.</summary>
public class SearchIndexBudgetTests
{
    [Test]
    public void While_ingest_is_busy_the_next_turn_waits_so_the_turns_stay_within_their_share()
    {
        var budget = new SearchIndexBudget(0.1);
        budget.MayRun(0).ShouldBeTrue("nothing ran yet");

        budget.Ran(began: 1_000, ended: 1_100, busy: true);

        // A turn of 100 at a share of 10 %: the next may start 900 after it ended.
        budget.MayRun(1_100).ShouldBeFalse();
        budget.MayRun(1_999).ShouldBeFalse();
        budget.MayRun(2_000).ShouldBeTrue();
    }

    [Test]
    public void When_ingest_is_not_busy_the_next_turn_may_start_at_once()
    {
        var budget = new SearchIndexBudget(0.1);
        budget.Ran(began: 1_000, ended: 1_100, busy: true);

        budget.Ran(began: 2_000, ended: 2_500, busy: false);

        budget.MayRun(2_500).ShouldBeTrue();
    }

    [Test]
    public void A_larger_share_waits_less()
    {
        var half = new SearchIndexBudget(0.5);
        half.Ran(began: 0, ended: 100, busy: true);

        half.MayRun(199).ShouldBeFalse();
        half.MayRun(200).ShouldBeTrue();
    }
}
