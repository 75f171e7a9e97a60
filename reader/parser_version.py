"""The parser's version, without the parser: what caches of parsed pages are keyed by.

Its own module so that the caches can check their version at launch without importing
the parser and its patterns (the first paint does not parse).
"""

#: Bumped whenever the parser's output changes, so cached results are re-parsed.
PARSER_VERSION = 4
