"""Runtime values of the rule language: exact money, calendar dates, durations, calendars."""
from .money import ORE, format_money, format_percent, parse_money, round_kr, round_ore, floor_kr, DECIMAL_CONTEXT
from .time import Months, add_days, add_months, add_duration, duration_words, format_date, parse_date, today_in
from .calendar import BusinessCalendar, calendar_for

__all__ = [
    "ORE", "DECIMAL_CONTEXT", "format_money", "format_percent", "parse_money", "round_kr", "round_ore", "floor_kr",
    "Months", "add_days", "add_months", "add_duration", "duration_words", "format_date", "parse_date", "today_in",
    "BusinessCalendar", "calendar_for",
]
