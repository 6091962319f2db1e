"""Word lists: the stop words every text feature leaves out, each list named for the job it does.

The lists differ on purpose (a word that fills a title is not one a question's focus drops); each is
kept as its callers measured it, so changing one moves that caller's benchmark, not the others'.
"""

from __future__ import annotations

__all__ = ["CAPITALISED_FILLERS", "FUNCTION_WORDS", "NAME_CONNECTORS", "NAME_STOP_WORDS"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capitalised words that start sentences or fill titles without naming anything (entity proxies).
CAPITALISED_FILLERS = _words(
    """
    a an the this that these those it its in on at for from by with as but and or if of to into he she
    they we i you our their his her my your us them me him who what when where why how which after
    before while during since until about over under new according however also there here mr mrs ms dr
    sir said says today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    """
)
# Words that are never a name or a headline's subject (entity proxies, title terms, entity match keys).
NAME_STOP_WORDS = CAPITALISED_FILLERS | _words(
    """
    is are was were be been being has have had do does did will would can could should may might must
    not no than then so such more most less many much some any all each other up out off down very just
    only own same too via per says said year years week month day time first last one two three
    """
)
# Function words left out of the sparse (TF-IDF) vectors; idf would shrink them anyway, but early in a
# stream there is not yet enough text for idf to know they are common.
FUNCTION_WORDS = NAME_STOP_WORDS | _words(
    """
    also been being both but can each few had has have into its just more most nor not now only other
    our out over own same she should some such than that their them then there these they this those
    through too under until very was were what when where which while who whom why will with would you
    your could did does doing down during from further here how itself let ought yourself
    """
)
# Lower-case words that may sit inside a name ("Bank of England", "Ludwig van Beethoven").
NAME_CONNECTORS = frozenset({"of", "de", "del", "la", "le", "du", "van", "von", "der", "&"})
