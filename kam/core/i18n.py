"""Reference data named in both languages (industries, stages …): show the one the user reads."""

from django.utils.translation import get_language


def bilingual(chinese: str, english: str) -> str:
    """The English name in an English UI when there is one; the Chinese name otherwise."""
    if english and not (get_language() or "en").startswith("zh"):
        return english
    return chinese
