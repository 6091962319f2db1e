"""Word lists: the stop words every text feature leaves out, each list named for the job it does.

The lists differ on purpose (a word that fills a title is not one a question's focus drops); each is
kept as its callers measured it, so changing one moves that caller's benchmark, not the others'.
"""

from __future__ import annotations

__all__ = [
    "CAPITALISED_FILLERS",
    "FUNCTION_WORDS",
    "NAME_CONNECTORS",
    "NAME_STOP_WORDS",
    "SLOT_CONTEXT_STOP_WORDS",
    "STOP_WORDS",
]


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

# What `text.terms` leaves out of the words that ranking, summaries and answers compare: function words,
# and the words a question uses to ask ("what happened", "who is involved", "tell me about").
STOP_WORDS = _words(
    """
    a an the and or but if of at by for with about against between into through during before after
    above below to from up down in out on off over under again further then once here there when where
    why how all any both each few more most other some such no nor not only own same so than too very
    can will just don should now is are was were be been being have has had having do does did doing
    would could might must shall what which who whom whose this that these those i me my we our you
    your he him his she her it its they them their am according story article text say said says tell
    told many much long happen happened happens occur occurred role mean means involved probably likely
    true false think thinks believe believes feel feels end following
    """
)
# Words around a number that say nothing about what it counts: the story panel compares the remaining
# context words ("killed … people") to decide whether two outlets' numbers are for the same thing.
SLOT_CONTEXT_STOP_WORDS = _words(
    """
    a an the and or but of at by for with to from in on as is are was were be been has have had that
    this it its their his her they he she we said says say least about nearly almost around some more
    than over up down after before while which who also other one two three four five six seven eight
    nine ten will would could may might should then there these those
    """
)
