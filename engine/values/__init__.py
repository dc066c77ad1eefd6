"""Runtime values of the rule language: exact money, calendar dates, durations, calendars."""
from .calendar import BusinessCalendar, calendar_for
from .money import DECIMAL_CONTEXT, ORE, floor_kr, format_money, format_percent, parse_money, round_kr, round_ore
from .time import Months, add_days, add_duration, add_months, duration_words, format_date, parse_date, today_in

__all__ = [
    "ORE", "DECIMAL_CONTEXT", "format_money", "format_percent", "parse_money", "round_kr", "round_ore", "floor_kr",
    "Months", "add_days", "add_months", "add_duration", "duration_words", "format_date", "parse_date", "today_in",
    "BusinessCalendar", "calendar_for",
]
