"""The SPIN library's first questions: the method's standard scripts (M4.6), in Chinese as the deck has them
and in English. Loaded by migration 0002 (with the historical model) and by `kam demo` into a database that
has none (through the services, audited), so a new installation starts with a usable library.

Slide 75's other "standard script" (a salesperson's own income and children's schooling) is left out: it
illustrates the technique on a private person, not a question to ask a customer's staff.
"""

#: (kind, Chinese, English, source)
STANDARD_QUESTIONS = [
    ("S", "你使用的情况，感觉怎么样？", "How is it going with what you use now?", "M4.6 slide 74"),
    (
        "P",
        "你感觉什么方面改善一下就更好呢？",
        "What would make it better if it were improved?",
        "M4.6 slide 74",
    ),
    ("I", "因为这个问题，对你又会造成什么影响呢？", "What does this problem cause for you?", "M4.6 slide 74"),
    (
        "N",
        "假设解决这个问题，对你有什么好处呢？",
        "If it were solved, what would it do for you?",
        "M4.6 slide 74",
    ),
    ("S", "与你合作的供应商怎样？", "How are your current suppliers?", "M4.6 slide 73"),
    (
        "P",
        "与他们合作过程中，感觉有哪些问题？",
        "What problems do you have working with them?",
        "M4.6 slide 73",
    ),
    ("I", "服务不好，对维护方面有什么影响？", "How does poor service affect maintenance?", "M4.6 slide 73"),
    (
        "N",
        "假设解决服务不及时的问题，对你有什么好处？",
        "If slow service were solved, what would it mean for you?",
        "M4.6 slide 73",
    ),
    (
        "N",
        "一年时间能够省油，对你有什么好处？",
        "If you saved fuel for a whole year, what would it do for you?",
        "M4.6 slide 71",
    ),
]


def load_standard_questions(SpinQuestion) -> int:
    """Insert the standard questions into an empty library (any SpinQuestion model class); returns how
    many were added."""
    if SpinQuestion.objects.exists():
        return 0
    SpinQuestion.objects.bulk_create(
        SpinQuestion(kind=kind, text=text, text_en=text_en, source=source)
        for kind, text, text_en, source in STANDARD_QUESTIONS
    )
    return len(STANDARD_QUESTIONS)
