"""One way to write dates in both languages: ISO 8601 (2027-02-16, 2027-02-16 14:30).

Tables, the board, charts and exports already write dates so; Django's defaults would show the same
date as "Feb. 16, 2027" on one page and 2027-02-16 on the next, or "02/16/2027", which people outside
the US read as the 2nd of the 16th month. Each language's format module takes these.
"""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y-m"
