from django import template

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Seconds → 'm:ss' (or 'h:mm:ss'); blank for None."""
    if seconds is None or seconds == "":
        return "–"
    total = int(round(float(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def percent(part, whole) -> str:
    try:
        return f"{100 * float(part) / float(whole):.0f} %"
    except (TypeError, ValueError, ZeroDivisionError):
        return "–"
