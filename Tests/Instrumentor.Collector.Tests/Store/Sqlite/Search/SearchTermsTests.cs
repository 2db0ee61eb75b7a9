using Instrumentor.Collector.Store.Sqlite.Search;

namespace Instrumentor.Collector.Tests.Store.Sqlite.Search;

/// <summary>The FTS5 query of a text filter: every distinct trigram of the term, quoted, or none when it is too short.</summary>
public class SearchTermsTests
{
    [TestCase("abcd", "\"abc\" \"bcd\"")]
    [TestCase("aaaa", "\"aaa\"")]
    [TestCase("o\"te", "\"o\"\"t\" \"\"\"te\"")]
    [TestCase("100%_", "\"100\" \"00%\" \"0%_\"")]
    [TestCase("ji😀", "\"ji😀\"")]
    public void A_term_becomes_its_distinct_trigrams_each_quoted(string term, string match) => SearchTerms.MatchOf(term).ShouldBe(match);

    [TestCase("ab")]
    [TestCase("a😀")]
    [TestCase("a\0bc")]
    [TestCase("ab\ud800c")]
    public void A_term_without_three_characters_or_with_text_SQLite_cannot_hold_has_no_index_query(string term) =>
        SearchTerms.MatchOf(term).ShouldBeNull();
}
